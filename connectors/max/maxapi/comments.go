package maxapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Channel comments (§6.5) are absent from the published schema; only
// dev.max.ru's use case and an unmerged Go client branch describe them.
// Everything unverified about them is in this file: the paths, the
// "before" paging parameter (taken as Unix milliseconds, like every MAX
// time) and where the author sits (taken as "sender", as on messages).

// MaxComments is the largest page of Comments.
const MaxComments = 100

// CommentsRequest is one page of a post's comments, newest first.
type CommentsRequest struct {
	PostID string
	Count  int   // 1..MaxComments
	Before int64 // Unix ms: only comments older than this (0: the newest)
}

// Comments lists a post's comments (GET /messages/{postId}/comments).
func (c *Client) Comments(ctx context.Context, r CommentsRequest) ([]Message, error) {
	q := url.Values{"count": {strconv.Itoa(min(max(r.Count, 1), MaxComments))}}
	if r.Before > 0 {
		q.Set("before", strconv.FormatInt(r.Before, 10))
	}
	var out struct {
		Messages json.RawMessage `json:"messages"`
	}
	if err := c.do(ctx, http.MethodGet, commentsPath(r.PostID), q, nil, &out, 0); err != nil {
		return nil, err
	}
	// No messages field: not the shape assumed (unverified); read as an
	// empty list, the post would never show a comment again.
	var list []Message
	err := errors.New("no messages field")
	if out.Messages != nil {
		err = json.Unmarshal(out.Messages, &list)
	}
	if err != nil {
		return nil, &Error{Op: http.MethodGet + " /" + commentsPath(r.PostID), Status: http.StatusOK,
			Class: ClassTransient, Unreadable: true, Message: "unreadable answer: " + err.Error()}
	}
	return list, nil
}

// DeleteComment deletes a comment under a post
// (DELETE /messages/{postId}/comments?comment_id=). Only {"success":true}
// is a deletion: {} or null (a proxy's or a cut answer) would record a
// comment deleted that is still there, so it is retried.
func (c *Client) DeleteComment(ctx context.Context, postID, commentID string) error {
	op := http.MethodDelete + " /" + commentsPath(postID)
	var r struct {
		Success *bool  `json:"success"`
		Message string `json:"message"`
	}
	if err := c.do(ctx, http.MethodDelete, commentsPath(postID), url.Values{"comment_id": {commentID}}, nil, &r, 0); err != nil {
		return err
	}
	switch {
	case r.Success == nil:
		return &Error{Op: op, Status: http.StatusOK, Class: ClassTransient, Unreadable: true, Message: "answer without success"}
	case !*r.Success:
		return &Error{Op: op, Status: http.StatusOK, Class: ClassItem, Message: r.Message}
	}
	return nil
}

func commentsPath(postID string) string {
	return "messages/" + url.PathEscape(postID) + "/comments"
}

// CommentAuthor is who wrote a comment (unverified field, see above).
func CommentAuthor(m *Message) *User { return m.Sender }

// CommentTime is when a comment was made. unverified (§6.5: the comments'
// fields come from an unmerged client branch): messages carry Unix
// milliseconds, which a comment is read as too; a value too small to be
// milliseconds since 1973 is read as seconds, and none (0) as now. Read as
// milliseconds either would date the comment January 1970, older than any
// retention, and the pipeline would never decide it.
func CommentTime(m *Message) time.Time {
	switch ts := m.Timestamp; {
	case ts <= 0:
		return time.Now()
	case ts < 1e11:
		return time.Unix(ts, 0)
	}
	return m.Time()
}
