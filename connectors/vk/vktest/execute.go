package vktest

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// --- messages ---

func (s *Server) messagesDelete(tt TokenType, p url.Values) (any, *apiErr) {
	if tt == TokenCommunity || p.Get("group_id") != "" {
		if e := s.checkGroup(p, "group_id"); e != nil {
			return nil, e
		}
	}
	var found []*item
	if ids := p.Get("message_ids"); ids != "" {
		for _, id := range intList(ids) {
			if m := s.msgs[id]; m != nil {
				found = append(found, m)
			}
		}
	} else if p.Get("peer_id") != "" && p.Get("cmids") != "" {
		// unverified: the answer's shape for cmids; the fake keys it by cmid.
		peer := intParam(p, "peer_id")
		for _, c := range intList(p.Get("cmids")) {
			for _, m := range s.msgs {
				if m.peer == peer && m.cmid == c {
					found = append(found, m)
				}
			}
		}
	} else {
		return nil, errf(100, "message_ids or peer_id+cmids is undefined")
	}
	if len(found) == 0 {
		return nil, errf(104, "")
	}
	forAll := p.Get("delete_for_all") == "1"
	if !at199(p) {
		out := map[string]int{}
		for _, m := range found {
			// VK lets messages be deleted for everybody only within 24 hours.
			if forAll && time.Since(time.Unix(m.date, 0)) > 24*time.Hour {
				return nil, errf(924, "")
			}
			m.deleted = true
			k := m.id
			if p.Get("message_ids") == "" {
				k = m.cmid
			}
			out[strconv.Itoa(k)] = 1
		}
		return out, nil
	}
	// 5.199: one entry per message; a failure is response 0 with the error
	// inside a successful answer (§1.2).
	out := []any{}
	for _, m := range found {
		e := map[string]any{"peer_id": m.peer, "message_id": m.id, "conversation_message_id": m.cmid, "response": 1}
		if forAll && time.Since(time.Unix(m.date, 0)) > 24*time.Hour {
			e["response"] = 0
			e["error"] = map[string]any{"code": 924, "description": errorText[924]}
		} else {
			m.deleted = true
		}
		out = append(out, e)
	}
	return out, nil
}

// at199 reports whether a call asks for 5.199's shapes (v >= 5.194, where
// VK is believed to have switched; unverified, §1.2).
func at199(p url.Values) bool {
	v, _ := strconv.ParseFloat(p.Get("v"), 64)
	return v >= 5.194
}

// --- execute ---

type executeError struct {
	Method string `json:"method"`
	Code   int    `json:"error_code"`
	Msg    string `json:"error_msg"`
}

type executeResult struct {
	Response []any
	Errors   []executeError
}

// execute runs a restricted VKScript: a list of API.<method>({...}) calls
// whose arguments are JSON objects, e.g.
// `return [API.wall.getComments({"owner_id":-1,"post_id":5})];`.
// Each call runs with the executing token; a failed call gives false and an
// execute_errors entry, as VK does. Anything else in the script is ignored.
func (s *Server) execute(tt TokenType, p url.Values) (any, *apiErr) {
	code := p.Get("code")
	if code == "" {
		return nil, errf(100, "code is undefined")
	}
	var res executeResult
	rest := code
	for {
		i := strings.Index(rest, "API.")
		if i < 0 {
			break
		}
		rest = rest[i+4:]
		j := strings.IndexByte(rest, '(')
		if j < 0 {
			return nil, &apiErr{12, "Unable to compile code"}
		}
		name := rest[:j]
		rest = rest[j+1:]
		args := map[string]any{}
		dec := json.NewDecoder(strings.NewReader(rest))
		dec.UseNumber()
		if strings.HasPrefix(strings.TrimSpace(rest), "{") {
			if err := dec.Decode(&args); err != nil {
				return nil, &apiErr{12, "Unable to compile code"}
			}
			rest = rest[dec.InputOffset():]
		}
		if len(res.Response) >= 25 {
			return nil, &apiErr{13, "Runtime error occurred during code invocation: Too many API calls"}
		}
		q := url.Values{"v": {p.Get("v")}}
		for k, v := range args {
			switch v := v.(type) {
			case bool:
				q.Set(k, map[bool]string{true: "1", false: "0"}[v])
			default:
				q.Set(k, strings.Trim(jsonString(v), `"`))
			}
		}
		r, e := s.callLocked(name, tt, q)
		inner := Call{Method: name, Token: tt, Params: q, At: time.Now()}
		if e != nil {
			inner.Code = e.code
		}
		s.inner = append(s.inner, inner)
		if e != nil {
			if s.execNull {
				res.Response = append(res.Response, nil)
			} else {
				res.Response = append(res.Response, false)
			}
			res.Errors = append(res.Errors, executeError{name, e.code, e.msg})
			continue
		}
		res.Response = append(res.Response, r)
	}
	return res, nil
}

// ExecuteFailedAsNull makes a failed call inside execute give null in its
// slot instead of false (what the slot holds is unverified, §1.5).
func (s *Server) ExecuteFailedAsNull(on bool) {
	s.mu.Lock()
	s.execNull = on
	s.mu.Unlock()
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// InnerCalls lists the calls made inside execute (each a slot of one
// request, not a request of its own), of method or all when "".
func (s *Server) InnerCalls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.inner {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}
