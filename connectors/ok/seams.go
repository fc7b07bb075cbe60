package ok

// The OK facts marked unverified in docs/platform-apis.md §2 live here, so
// that each can be corrected in one place when confirmed against the real
// API. The fake (oktest) follows the same assumptions.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	// discussionType of a group's topic in discussions.* (§2.3).
	discussionType = "GROUP_TOPIC"
	// pageSize is the count asked of discussions.getComments and
	// mediatopic.getTopics. unverified: OK's maximum.
	pageSize = 100
	// maxTopics bounds catchup_topics: mediatopic.getTopics is read in one
	// page (unverified: that it gives 100 at once).
	maxTopics = 100
	// requestsPerSecond is kept per account. unverified: OK publishes no
	// limit; §2.4 advises 1–3 req/s.
	requestsPerSecond = 3
)

// commentFields asks discussions.getComments for the authors' names in
// entities.users ({uid, name, first_name, last_name}). unverified: the
// field names.
const commentFields = "user.uid,user.name,user.first_name,user.last_name"

// Blocking an author goes through deleteDiscussionComment with
// block_author=true on their newest comment, which the pipeline has just
// deleted (Connector.Ban). unverified: that OK blocks when that comment is
// already deleted; if it answers 141/300 instead, the ban is recorded as
// failed on the card, never as done.

// commentsFromNewest are the discussions.getComments parameters that give
// the newest page; older pages follow with the returned anchor and the
// same direction. unverified: the anchor LAST with direction BACKWARD, and
// that a page lists its comments oldest first.
func commentsFromNewest(anchor string) (anchorParam, direction string) {
	if anchor == "" {
		return "LAST", "BACKWARD"
	}
	return anchor, "BACKWARD"
}

// okZone is the zone of the local-time strings OK gives as comment dates.
// unverified: assumed Moscow (UTC+3, no daylight saving since 2014).
var okZone = time.FixedZone("MSK", 3*60*60)

// dateLayout is the form of a comment's date ("2025-01-01 12:00:00").
const dateLayout = "2006-01-02 15:04:05"

// parseDate reads a comment date; false when it is not in the known form.
// unverified: the form; besides the local-time string, unix seconds (or
// milliseconds) as a number or a string of digits are read, so a date in
// another form than assumed does not make the whole page unreadable.
func parseDate(raw json.RawMessage) (time.Time, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	if t, err := time.ParseInLocation(dateLayout, s, okZone); err == nil {
		return t, true
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	switch {
	case err != nil || n <= 0:
		return time.Time{}, false
	case n > 1e12:
		return time.UnixMilli(n), true
	}
	return time.Unix(n, 0), true
}

// okID is an id in OK's answers. unverified: §2.3 shows strings ("5810",
// "MTcz"); a number is read as its decimal text, so an id given as one
// does not make the whole answer unreadable (every cycle would fail on
// it). null reads as "".
type okID string

func (id *okID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*id = okID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id: %s is neither a string nor a number", b)
	}
	*id = okID(n.String())
	return nil
}

// topicsAnswer is mediatopic.getTopics' answer. unverified: the shape was
// seen in third-party client code only.
type topicsAnswer struct {
	MediaTopics []struct {
		ID        okID  `json:"id"`
		CreatedMS int64 `json:"created_ms"`
	} `json:"media_topics"`
	// listed: the answer has the media_topics field (null or [] when the
	// group lists none). Without it the shape is not the one assumed, and
	// read as "no topic" every cycle would succeed reading nothing.
	listed bool
}

func (a *topicsAnswer) UnmarshalJSON(b []byte) error {
	type plain topicsAnswer
	var v struct {
		plain
		Raw json.RawMessage `json:"media_topics"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*a = topicsAnswer(v.plain)
	a.listed = v.Raw != nil
	if a.listed {
		return json.Unmarshal(v.Raw, &a.MediaTopics)
	}
	return nil
}

// deleteSucceeded reads deleteDiscussionComment's answer. unverified:
// whether OK answers true or {"success":true}; both are taken.
func deleteSucceeded(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	if s == "true" {
		return true
	}
	var v struct {
		Success bool `json:"success"`
	}
	return json.Unmarshal(raw, &v) == nil && v.Success
}

// pageAuthor reports whether a comment's author is the group itself.
// unverified: that a comment made on behalf of the group carries the
// group's id as author_id (or author_type GROUP).
func pageAuthor(c *okComment, groupID string) bool {
	return string(c.AuthorID) == groupID || strings.EqualFold(c.AuthorType, "GROUP")
}

// topicsParams asks mediatopic.getTopics for the group's newest topics.
// unverified: the parameter names gid and count, and that the answer is
// newest first.
func topicsParams(gid string, count int) map[string]string {
	return map[string]string{"gid": gid, "count": itoa(count)}
}

// replyToComment reads a comment's reply_to_comment_id: the id of the
// comment it answers, so that the page's or a manager's reply answers an
// appeal. unverified: the field is not in docs/platform-apis.md §2.3 (it is
// in OK's comment objects as third-party clients read them); a string id
// like the comments' own, a number, or null / absent for a top-level
// comment. Anything else reads as no reply.
func replyToComment(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil && n.String() != "0" {
		return n.String()
	}
	return ""
}
