package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// apiError is an error answer of the Bot API.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// params reads the request's parameters from the query string and a
// multipart, urlencoded or JSON body. Non-string JSON values are kept as
// their JSON text, as the Bot API treats them.
func params(r *http.Request) (map[string]string, error) {
	p := make(map[string]string)
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := r.ParseMultipartForm(16 << 20); err != nil {
			return nil, err
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = v[0]
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			p[k] = v[0]
		}
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, err
		}
		for k, v := range m {
			var s string
			if json.Unmarshal(v, &s) == nil {
				p[k] = s
			} else {
				p[k] = string(v)
			}
		}
	}
	return p, nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeJSON(w, nil, &apiError{code: 404, desc: "Not Found"})
		return
	}
	p, err := params(r)
	req := Request{Method: method, Params: p, At: time.Now()}
	s.mu.Lock()
	if s.down {
		s.record(req)
		s.mu.Unlock()
		drop(w)
		return
	}
	var result any
	var aerr *apiError
	switch {
	case token != s.token:
		aerr = &apiError{code: 401, desc: "Unauthorized"}
	case err != nil:
		aerr = badRequest("can't parse request: %v", err)
	default:
		aerr = s.scripted(method)
	}
	if aerr == nil && method == "getUpdates" {
		s.mu.Unlock()
		s.getUpdates(w, r, req)
		return
	}
	if aerr == nil && method == "sendDocument" {
		result, aerr = s.sendDocument(p, r)
	} else if aerr == nil {
		result, aerr = s.call(method, p)
	}
	req.Status = http.StatusOK
	if aerr != nil {
		req.Status = aerr.code
	}
	s.record(req)
	s.mu.Unlock()
	writeJSON(w, result, aerr)
}

// record logs a request; call with mu held.
func (s *Server) record(req Request) {
	s.requests = append(s.requests, req)
	s.notify()
}

// drop closes the connection without an answer, as an unreachable server.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	http.Error(w, "down", http.StatusBadGateway)
}

func writeJSON(w http.ResponseWriter, result any, aerr *apiError) {
	w.Header().Set("Content-Type", "application/json")
	if aerr != nil {
		body := map[string]any{"ok": false, "error_code": aerr.code, "description": aerr.desc}
		if aerr.retryAfter > 0 {
			body["parameters"] = map[string]any{"retry_after": aerr.retryAfter}
		}
		w.WriteHeader(aerr.code)
		json.NewEncoder(w).Encode(body)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// scripted returns the next scripted failure for method; call with mu held.
func (s *Server) scripted(method string) *apiError {
	for i := range s.failures {
		f := &s.failures[i]
		if f.n > 0 && (f.method == method || f.method == "" && method != "getUpdates") {
			f.n--
			return &apiError{code: f.code, desc: f.desc, retryAfter: f.retryAfter}
		}
	}
	return nil
}

// getUpdates answers with the unconfirmed updates from offset, waiting up
// to timeout seconds for one to arrive (never an instant empty answer when
// a timeout is given).
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, req Request) {
	offset, _ := strconv.ParseInt(req.Params["offset"], 10, 64)
	s.mu.Lock()
	if offset > s.nextUpdate+1 {
		offset = 0 // from before RestartUpdateIDs: it confirms nothing
	}
	s.mu.Unlock()
	limit, _ := strconv.Atoi(req.Params["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(req.Params["timeout"])
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	first := true
	for {
		s.mu.Lock()
		if s.down {
			req.Status = 0
			s.record(req)
			s.mu.Unlock()
			drop(w)
			return
		}
		if first {
			s.dropUnwanted(req.Params["allowed_updates"])
			// An offset confirms every update before it.
			if offset > 0 {
				i := 0
				for i < len(s.updates) && s.updates[i].id < offset {
					i++
				}
				s.updates = s.updates[i:]
			}
			first = false
		}
		var out []map[string]any
		for _, u := range s.updates {
			if u.id >= offset && len(out) < limit {
				out = append(out, u.body)
			}
		}
		if len(out) > 0 || timeout <= 0 {
			req.Status = http.StatusOK
			s.record(req)
			s.mu.Unlock()
			if out == nil {
				out = []map[string]any{}
			}
			writeJSON(w, out, nil)
			return
		}
		// No notify for polling: it would wake the other long polls,
		// which would wake this one. Wait rechecks on its own tick.
		s.polling++
		changed := s.changed
		s.mu.Unlock()
		var end bool
		select {
		case <-changed:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			end = true
		case <-s.closed:
			end = true
		}
		s.mu.Lock()
		s.polling--
		s.mu.Unlock()
		if end {
			return
		}
	}
}

func int64Param(p map[string]string, key string) (int64, *apiError) {
	v, ok := p[key]
	if !ok {
		return 0, badRequest("%s is required", key)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest("%s is invalid", key)
	}
	return n, nil
}

// call runs a method other than getUpdates; call with mu held.
func (s *Server) call(method string, p map[string]string) (any, *apiError) {
	if res, aerr, ok := s.channelCall(method, p); ok {
		return res, aerr
	}
	if res, aerr, ok := s.groupCall(method, p); ok {
		return res, aerr
	}
	switch method {
	case "getMe":
		return map[string]any{"id": BotID, "is_bot": true, "first_name": "strazh", "username": "strazh_bot"}, nil
	case "sendMessage":
		return s.sendMessage(p)
	case "editMessageText", "editMessageReplyMarkup":
		return s.editMessage(method, p)
	case "answerCallbackQuery":
		q := s.queries[p["callback_query_id"]]
		if q == nil || q.answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		if utf8.RuneCountInString(p["text"]) > 200 {
			return nil, badRequest("MESSAGE_TOO_LONG")
		}
		q.answered = true
		s.answers = append(s.answers, Answer{QueryID: p["callback_query_id"], User: q.user, Data: q.data,
			ChatID: q.chatID, MessageID: q.messageID, Text: p["text"], ShowAlert: p["show_alert"] == "true"})
		return true, nil
	case "setMyCommands":
		var cmds []Command
		if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
			return nil, badRequest("can't parse commands JSON object")
		}
		s.commands[p["scope"]] = cmds
		return true, nil
	case "getMyCommands":
		return s.commands[p["scope"]], nil
	case "deleteWebhook":
		return true, nil
	case "deleteMessage":
		chatID, e1 := int64Param(p, "chat_id")
		msgID, e2 := int64Param(p, "message_id")
		if e1 != nil || e2 != nil {
			return nil, badRequest("chat_id and message_id are required")
		}
		m := s.find(chatID, msgID)
		if m == nil || m.Deleted {
			return nil, badRequest("message to delete not found")
		}
		m.Deleted = true
		return true, nil
	case "banChatMember", "unbanChatMember", "restrictChatMember", "banChatSenderChat":
		return true, nil
	}
	return nil, &apiError{code: 404, desc: "Not Found"}
}

// keyboard parses reply_markup's inline keyboard, checking callback_data.
func keyboard(raw string) ([][]Button, *apiError) {
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var mk struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
			URL          string `json:"url"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &mk); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	var out [][]Button
	for _, row := range mk.InlineKeyboard {
		var r []Button
		for _, b := range row {
			if b.Text == "" {
				return nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
			if b.URL == "" && (len(b.CallbackData) < 1 || len(b.CallbackData) > 64) {
				return nil, badRequest("BUTTON_DATA_INVALID")
			}
			r = append(r, Button{Text: b.Text, Data: b.CallbackData})
		}
		out = append(out, r)
	}
	return out, nil
}

// MaxText is the longest message text Telegram accepts, in UTF-16 code
// units of the text shown (after entity parsing): an emoji outside the
// Basic Multilingual Plane counts two.
const MaxText = 4096

// CheckText checks a message text the way sendMessage does in its parse
// mode ("" or "HTML") and returns the text the user sees, or the error
// description Telegram would answer with.
func CheckText(raw, mode string) (string, error) {
	plain, _, aerr := text(raw, mode)
	if aerr != nil {
		return "", errors.New(aerr.desc)
	}
	return plain, nil
}

// UTF16Len is the length Telegram counts for a text.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// text checks a message text in its parse mode and returns what is shown.
func text(raw, mode string) (string, []string, *apiError) {
	if !utf8.ValidString(raw) {
		return "", nil, badRequest("strings must be encoded in UTF-8")
	}
	if strings.TrimSpace(raw) == "" {
		return "", nil, badRequest("message text is empty")
	}
	plain, links := raw, []string(nil)
	switch strings.ToLower(mode) {
	case "":
	case "html":
		var err error
		if plain, links, err = parseHTML(raw); err != nil {
			return "", nil, badRequest("%v", err)
		}
	default:
		// MarkdownV2 is not modelled: strazh sends HTML.
	}
	if strings.TrimSpace(plain) == "" {
		return "", nil, badRequest("message text is empty")
	}
	if UTF16Len(plain) > MaxText {
		return "", nil, badRequest("message is too long")
	}
	return plain, links, nil
}

func (s *Server) sendMessage(p map[string]string) (any, *apiError) {
	chatID, aerr := int64Param(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	plain, links, aerr := text(p["text"], p["parse_mode"])
	if aerr != nil {
		return nil, aerr
	}
	kb, aerr := keyboard(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	if s.limitN > 0 {
		now := time.Now()
		sent := s.sends[chatID]
		for len(sent) > 0 && now.Sub(sent[0]) >= s.limitWin {
			sent = sent[1:]
		}
		if len(sent) >= s.limitN {
			wait := int((sent[0].Add(s.limitWin).Sub(now) + time.Second - 1) / time.Second)
			s.sends[chatID] = sent
			return nil, &apiError{code: 429, desc: fmt.Sprintf("Too Many Requests: retry after %d", wait), retryAfter: max(wait, 1)}
		}
		s.sends[chatID] = append(sent, now)
	}
	var replyTo int64
	if v := p["reply_to_message_id"]; v != "" {
		replyTo, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := p["reply_parameters"]; v != "" {
		var rp struct {
			MessageID int64 `json:"message_id"`
		}
		json.Unmarshal([]byte(v), &rp)
		replyTo = rp.MessageID
	}
	s.nextMsg[chatID]++
	m := &Message{ID: s.nextMsg[chatID], ChatID: chatID, Text: plain, HTML: p["text"], ParseMode: p["parse_mode"],
		Links: links, Keyboard: kb, ReplyTo: replyTo, Date: time.Now()}
	s.msgs[chatID] = append(s.msgs[chatID], m)
	return s.messageJSON(m), nil
}

func sameKeyboard(a, b [][]Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func (s *Server) editMessage(method string, p map[string]string) (any, *apiError) {
	chatID, aerr := int64Param(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	msgID, aerr := int64Param(p, "message_id")
	if aerr != nil {
		return nil, aerr
	}
	m := s.find(chatID, msgID)
	if m == nil || m.Deleted || m.From != nil {
		return nil, badRequest("message to edit not found")
	}
	kb, aerr := keyboard(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	plain, links, html, mode := m.Text, m.Links, m.HTML, m.ParseMode
	if method == "editMessageText" {
		if plain, links, aerr = text(p["text"], p["parse_mode"]); aerr != nil {
			return nil, aerr
		}
		html, mode = p["text"], p["parse_mode"]
	}
	if plain == m.Text && html == m.HTML && sameKeyboard(kb, m.Keyboard) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.Text, m.Links, m.HTML, m.ParseMode, m.Keyboard = plain, links, html, mode, kb
	m.Edits++
	return s.messageJSON(m), nil
}
