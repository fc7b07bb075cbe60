package vk

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// Replies as the community (citizens' appeals, §1.2): wall.createComment
// with from_group for a wall comment, messages.send with the community
// token for a private message. Other kinds are answered by hand.

var _ moderation.Replier = (*Connector)(nil)

// Reply answers the comment or message at ref publicly as the community and
// returns the answer's ref. A retry of the same text to the same ref is
// sent once (wall: guid; messages: random_id), so a lost answer to the
// request does not post it twice.
func (c *Connector) Reply(ctx context.Context, ref, text string) (string, error) {
	if c.isClosed() {
		return "", errClosed
	}
	t, err := parseRef(ref)
	if err != nil {
		return "", err
	}
	if text == "" {
		return "", fmt.Errorf("vk: reply to %s: empty text: %w", ref, moderation.ErrItem)
	}
	switch t.kind {
	case "wall":
		return c.replyWall(ctx, ref, t, text)
	case "msg":
		var id int
		err := c.api.call(ctx, community, "messages.send", api.Params{
			"peer_id": t.owner, "random_id": replyNonce(ref, text), "message": text}, &id)
		if err != nil {
			return "", fmt.Errorf("vk: reply to %s: %w", ref, err)
		}
		return "sent:" + strconv.Itoa(t.owner) + ":" + strconv.Itoa(id), nil
	}
	return "", fmt.Errorf("vk: reply to %s: %w", ref, moderation.ErrUnsupported)
}

// CanReplyTo reports whether Reply takes the ref: wall comments and
// private messages.
func (c *Connector) CanReplyTo(ref string) bool {
	t, err := parseRef(ref)
	return err == nil && (t.kind == "wall" || t.kind == "msg")
}

// replyWall finds the comment's post (wall.getComment, user token: the
// ref does not carry it) and answers in its thread.
func (c *Connector) replyWall(ctx context.Context, ref string, t target, text string) (string, error) {
	var raw json.RawMessage
	if err := c.api.call(ctx, user, "wall.getComment", api.Params{"owner_id": t.owner, "comment_id": t.id}, &raw); err != nil {
		return "", fmt.Errorf("vk: reply to %s: find its post: %w", ref, err)
	}
	items := listItems[struct {
		PostID int `json:"post_id"`
	}](raw)
	if len(items) == 0 || items[0].PostID == 0 {
		return "", fmt.Errorf("vk: reply to %s: wall.getComment gave no post: %w", ref, moderation.ErrItem)
	}
	tok := community
	if !c.api.has(community) {
		tok = user
	}
	var out struct {
		CommentID int `json:"comment_id"`
	}
	err := c.api.call(ctx, tok, "wall.createComment", api.Params{
		"owner_id": t.owner, "post_id": items[0].PostID, "from_group": c.cfg.GroupID,
		"reply_to_comment": t.id, "message": text, "guid": strconv.FormatUint(uint64(replyNonce(ref, text)), 10)}, &out)
	if err != nil {
		return "", fmt.Errorf("vk: reply to %s: %w", ref, err)
	}
	return "wall:" + strconv.Itoa(t.owner) + ":" + strconv.Itoa(out.CommentID), nil
}

// replyNonce is a positive 31-bit number fixed by the ref and the text.
func replyNonce(ref, text string) int32 {
	h := fnv.New32a()
	h.Write([]byte(ref))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return int32(h.Sum32() >> 1)
}

// pageMessage converts message_reply (the community's own message in a
// dialog, unwrapped, §1.4) into a comment by the page, so the pipeline
// sees the dialog answered.
func (c *Connector) pageMessage(ev lpEvent, cur *cursor) (moderation.Update, bool) {
	if !c.cfg.has(SourceMessages) {
		return moderation.Update{}, false
	}
	var m vkMessage
	if err := json.Unmarshal(ev.Object, &m.Message); err != nil || m.Message.ID == 0 && m.Message.CMID == 0 {
		c.log.Warn("unreadable event", "type", ev.Type, "err", err)
		return moderation.Update{}, false
	}
	see(&cur.Peers, m.Message.PeerID, m.Message.ID)
	return moderation.Update{Type: moderation.UpdateComment, Comment: c.message(&m)}, true
}
