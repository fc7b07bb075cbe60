package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/strazh/strazh/moderation"
)

// A malformed request to the admin socket is answered 400 with a message
// that says what is wrong; 500 stays for the daemon's own failures.

// maxAdminBody bounds a request body (a decision or an unban is tiny).
const maxAdminBody = 64 << 10

// badRequest answers 400 with the error as JSON, like reply.
func badRequest(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// decodeBody reads one JSON object into v, strictly: no unknown fields, no
// trailing data, at most maxAdminBody bytes. It answers 400 itself and
// returns false when the body is malformed.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if !knownParams(w, r) {
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			err = errors.New("more than one JSON value")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.Is(err, io.EOF):
		badRequest(w, "body: empty, want a JSON object")
	case errors.As(err, &tooBig):
		badRequest(w, fmt.Sprintf("body: larger than %d bytes", tooBig.Limit))
	default:
		badRequest(w, "body: "+err.Error())
	}
	return false
}

// knownParams answers 400 and returns false when the URL has a query
// parameter other than the allowed ones.
func knownParams(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	if err := onlyParams(r.URL.Query(), allowed...); err != nil {
		badRequest(w, "query: "+err.Error())
		return false
	}
	return true
}

func onlyParams(v url.Values, allowed ...string) error {
	for k := range v {
		if !slices.Contains(allowed, k) {
			if len(allowed) == 0 {
				return fmt.Errorf("unknown parameter %q (this request takes none)", k)
			}
			return fmt.Errorf("unknown parameter %q (want %v)", k, allowed)
		}
	}
	return nil
}

// problem says what is wrong with a decision request ("" when nothing):
// the same rules as pipeline.Resolve, checked here so a bad request is a
// 400 and not the pipeline's error.
func (req *decideRequest) problem() string {
	switch {
	case req.ID == 0 || req.Verdict == nil || req.By == "":
		return "id, verdict and by are required"
	case *req.Verdict != moderation.Allow && *req.Verdict != moderation.Delete && *req.Verdict != moderation.Ban:
		return fmt.Sprintf("verdict %q: a human decides allow, delete or ban", req.Verdict.String())
	case req.BanFor < 0:
		return fmt.Sprintf("ban_for %d: negative (0 is forever)", req.BanFor)
	case req.BanFor != 0 && req.BanFor < time.Minute:
		return fmt.Sprintf("ban_for %s: shorter than a minute (the value is in nanoseconds; 0 is forever)", req.BanFor)
	}
	return ""
}
