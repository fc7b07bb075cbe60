package ok

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/strazh/strazh/moderation"
)

// parseRef reads "<topic id>:<comment id>".
func parseRef(ref string) (topic, comment string, err error) {
	topic, comment, ok := strings.Cut(ref, ":")
	if !ok || topic == "" || comment == "" || strings.Contains(comment, ":") {
		return "", "", fmt.Errorf("ok: bad ref %q: %w", ref, moderation.ErrItem)
	}
	return topic, comment, nil
}

// Delete deletes a comment with discussions.deleteDiscussionComment. One
// that is already gone (141, 300) counts as deleted.
func (c *Connector) Delete(ctx context.Context, ref string) error {
	if c.isClosed() {
		return errClosed
	}
	if err := c.deleteComment(ctx, ref, false); err != nil {
		return fmt.Errorf("ok: delete %s: %w", ref, err)
	}
	return nil
}

func (c *Connector) deleteComment(ctx context.Context, ref string, block bool) error {
	topic, id, err := parseRef(ref)
	if err != nil {
		return err
	}
	p := values(map[string]string{"discussionId": topic, "discussionType": discussionType,
		"comment_id": id, "block_author": fmt.Sprint(block)})
	var raw json.RawMessage
	err = c.api.call(ctx, "discussions.deleteDiscussionComment", p, &raw)
	switch code := apiCode(err); {
	case (code == codeCommentID || code == codeNotFound) && !block:
		return nil // already gone
	case err != nil:
		return err
	case !deleteSucceeded(raw):
		return fmt.Errorf("OK answered %.100s: %w", raw, moderation.ErrItem)
	}
	return nil
}

// Ban blocks an author the only way OK allows: deleting a comment of
// theirs with block_author=true. OK's block has no end and cannot be
// lifted through the API, so a ban with an end is not placed
// (moderation.ErrUnsupported): a timed ban must not become a permanent
// one. The comment is the decision's own (b.Ref), which the pipeline has
// just deleted (deleting a deleted comment is harmless): any other would
// be a comment deleted that nobody decided on. So a ban naming none (one
// carried from another page) is not placed (moderation.ErrItem); its
// error names the author's comment read last, for a block by hand.
func (c *Connector) Ban(ctx context.Context, author string, b moderation.BanRequest) error {
	if c.isClosed() {
		return errClosed
	}
	if !b.Until.IsZero() {
		return fmt.Errorf("ok: ban %s: OK blocks only for good and cannot unblock; a ban until %s is not placed: %w",
			author, b.Until.Format("2006-01-02"), moderation.ErrUnsupported)
	}
	if b.Ref == "" {
		// A ban naming no comment here (carried from another page of the
		// district) is not placed: OK blocks only while deleting one of
		// the author's comments, and deleting one nobody decided on would
		// remove a lawful comment with no decision, card or record.
		c.refMu.Lock()
		last := c.refs[author]
		c.refMu.Unlock()
		hint := "no comment of theirs read here"
		if last != "" {
			hint = "a comment of theirs read here is " + last
		}
		return fmt.Errorf("ok: ban %s is not placed: OK blocks only while deleting one of the author's comments, and none here was decided (%s); block them in the group's blacklist by hand: %w", author, hint, moderation.ErrItem)
	}
	if err := c.deleteComment(ctx, b.Ref, true); err != nil {
		return fmt.Errorf("ok: ban %s (through %s): %w", author, b.Ref, err)
	}
	return nil
}

// Restore: OK cannot bring a deleted comment back.
func (c *Connector) Restore(ctx context.Context, ref string) error {
	return fmt.Errorf("ok: restore %s: %w", ref, moderation.ErrUnsupported)
}

// Unban: OK has no API to lift a block; a human does it in the group's
// blacklist.
func (c *Connector) Unban(ctx context.Context, author string) error {
	return fmt.Errorf("ok: unban %s: %w", author, moderation.ErrUnsupported)
}
