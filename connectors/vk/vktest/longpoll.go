package vktest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxUpdates caps one long-poll answer. unverified: VK's own cap.
const maxUpdates = 1000

// rotateKey expires the long-poll key (s.mu held).
func (s *Server) rotateKey() {
	s.lp.keyN++
	s.lp.key = "k" + strconv.Itoa(s.lp.keyN+1)
}

// ExpireKey expires the long-poll key: the next a_check with the old key
// gets failed:2.
func (s *Server) ExpireKey() {
	s.mu.Lock()
	s.rotateKey()
	s.mu.Unlock()
}

// serveLongPoll answers GET {server}?act=a_check&key=&ts=&wait= (§1.3).
func (s *Server) serveLongPoll(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	call := Call{Method: "a_check", Params: q, At: time.Now()}
	f, hasFault := s.takeFault("a_check")
	var raw string
	hasRaw := len(s.lpRaw) > 0
	if hasRaw {
		raw, s.lpRaw = s.lpRaw[0], s.lpRaw[1:]
	}
	s.mu.Unlock()
	s.log(call)
	if hasRaw {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = io.WriteString(w, raw)
		return
	}
	if hasFault && f.delay > 0 && !s.sleep(r, f.delay) {
		return
	}
	if hasFault && f.drop {
		dropConn(w)
		return
	}
	if q.Get("act") != "a_check" || r.PathValue("group") != strconv.Itoa(s.opts.GroupID) {
		http.Error(w, "unknown act", http.StatusNotFound)
		return
	}
	wait := min(max(atoi(q.Get("wait")), 0), 90)
	deadline := time.NewTimer(time.Duration(wait) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		body, changed := s.pollLocked(q)
		s.mu.Unlock()
		if body != nil {
			writeJSON(w, body)
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			writeJSON(w, map[string]any{"ts": q.Get("ts"), "updates": []json.RawMessage{}})
			return
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
}

// pollLocked answers one a_check now, or returns nil and a channel that is
// closed when events are queued.
func (s *Server) pollLocked(q map[string][]string) (any, <-chan struct{}) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if len(s.lpFail) > 0 {
		code := s.lpFail[0]
		s.lpFail = s.lpFail[1:]
		switch code {
		case 1:
			ts := max(s.lp.base, atoi(get("ts"))-s.opts.Resend)
			return map[string]any{"failed": 1, "ts": ts}, nil // numeric ts, as VK
		case 2, 3:
			s.rotateKey()
		}
		return map[string]any{"failed": code}, nil
	}
	if get("key") != s.lp.key {
		return map[string]any{"failed": 2}, nil
	}
	ts, err := strconv.Atoi(get("ts"))
	if err != nil || ts < s.lp.base || ts > s.lp.next() {
		// History before our oldest event is gone (or the ts is nonsense):
		// continue from the oldest we have.
		return map[string]any{"failed": 1, "ts": s.lp.base}, nil
	}
	if ts == s.lp.next() {
		return nil, s.changed
	}
	evs := s.lp.log[ts-s.lp.base:]
	if len(evs) > maxUpdates {
		evs = evs[:maxUpdates]
	}
	ups := make([]json.RawMessage, len(evs))
	for i, e := range evs {
		ups[i] = e.raw
	}
	return map[string]any{"ts": strconv.Itoa(ts + len(evs)), "updates": ups}, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
