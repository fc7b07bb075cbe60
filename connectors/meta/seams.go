package meta

// The Meta facts marked unverified in docs/platform-apis.md §3–§4 live
// here, so that each can be corrected in one place when confirmed against
// the real API. The fake (metatest) follows the same assumptions.

import (
	"net/http"
	"time"
)

// authorize puts the token on a request. Graph takes access_token as a
// parameter or an "Authorization: Bearer" header; the header keeps the
// token out of URLs, which errors and proxies log. unverified against the
// live API for every endpoint (the docs show the parameter).
func authorize(req *http.Request, token string) { req.Header.Set("Authorization", "Bearer "+token) }

// requestsPerSecond is the pace per token. Meta publishes no per-second
// limit, only hourly/daily usage (the headers steer the rest).
const requestsPerSecond = 10

// graphTime is the layout of created_time / timestamp
// ("2025-01-01T12:00:00+0000").
const graphTime = "2006-01-02T15:04:05-0700"

// parseGraphTime reads a Graph time; RFC 3339 forms ("...Z",
// "...+00:00", fractions) are read too, in case an endpoint or version
// gives one (unverified beyond the docs' examples).
func parseGraphTime(s string) (time.Time, bool) {
	for _, layout := range []string{graphTime, "2006-01-02T15:04:05Z0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// commentTime is a comment's time, or now when it cannot be read: dated
// year 1, a comment counts as older than all its post's comments seen and
// is never delivered.
func (c *Connector) commentTime(s, id string) time.Time {
	if t, ok := parseGraphTime(s); ok {
		return t
	}
	c.timeWarn.Do(func() {
		c.log.Warn("a comment time cannot be read; such comments are dated when read", "comment_id", id, "time", s)
	})
	return time.Now()
}

// commentsSince: `since` on /comments is unverified (§3.1), so comments
// are read newest first (order=reverse_chronological) and filtered on
// created_time, stopping at the first known one.

// unknownObjectSubcode is the error_subcode Graph adds to code 100 when the
// object "does not exist, cannot be loaded due to missing permissions, or
// does not support this operation" (33). unverified: §3.4 lists code 100
// as "invalid parameter or unknown object" without subcodes; 33 is what
// Graph answers for an id it does not have. Code 100 without it is a bad
// parameter, never a comment gone.
const unknownObjectSubcode = 33

// blockParam is the form field naming the user for /{page-id}/blocked.
// unverified: `user` (the docs also list asid, psid, uid).
const blockParam = "user"

// blockConfirmed reads POST /{page-id}/blocked's answer: §3.2 gives a map
// {"<id>":true}. unverified beyond that: a map keyed by another form of
// the user's id (or {"success":true}) is taken as a yes when every value
// in it is true; an empty map or null blocked nobody.
func blockConfirmed(out map[string]bool, author string) bool {
	if v, ok := out[author]; ok {
		return v
	}
	if len(out) == 0 {
		return false
	}
	for _, v := range out {
		if !v {
			return false
		}
	}
	return true
}

// Webhook verbs (§3.3). hide/unhide are unverified; they are recorded, not
// acted upon (polling sees is_hidden as it is).
const (
	verbAdd    = "add"
	verbEdited = "edited"
	verbRemove = "remove"
)

// igRepliesToTopLevel: Instagram attaches a reply to a reply to the top
// level comment (§4), so /replies of top-level comments is all there is.

// igHideParam is the field that hides an Instagram comment (`hide`, §4)
// and fbHideParam a Facebook one (`is_hidden`, §3.2).
const (
	igHideParam = "hide"
	fbHideParam = "is_hidden"
)
