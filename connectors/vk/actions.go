package vk

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// maxBan is how far ahead a ban may end: VK refuses end_date more than a
// year ahead; a day is kept in hand against clock differences.
const maxBan = 364 * 24 * time.Hour

// minBan: a ban ending within it is not placed (it may have waited
// through a limit or an outage: so near its end it bans nobody).
const minBan = time.Minute

// ShortestBan is connectors.ShortestBan: the loader warns on a
// ban.duration of minBan or less, which Ban never places.
func (*Config) ShortestBan() time.Duration { return minBan }

// target is a parsed Comment.Ref.
type target struct {
	kind  string // wall, photo, video, market, board, msg
	owner int    // wall/photo/video/market: the owner (-group id); board: the topic; msg: the peer
	id    int    // the comment id; msg: conversation_message_id
	msgID int    // msg: the message id
}

// parseRef reads the refs built in events.go: "wall:<owner>:<id>" (also
// photo, video, market), "board:<topic>:<id>", "msg:<peer>:<cmid>:<id>".
func parseRef(ref string) (target, error) {
	f := strings.Split(ref, ":")
	bad := fmt.Errorf("vk: bad ref %q: %w", ref, moderation.ErrItem)
	if len(f) < 3 {
		return target{}, bad
	}
	t := target{kind: f[0]}
	var err1, err2 error
	t.owner, err1 = strconv.Atoi(f[1])
	t.id, err2 = strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		return target{}, bad
	}
	switch t.kind {
	case "wall", "photo", "video", "market", "board":
		if len(f) != 3 {
			return target{}, bad
		}
	case "msg":
		if len(f) != 4 {
			return target{}, bad
		}
		var err error
		if t.msgID, err = strconv.Atoi(f[3]); err != nil {
			return target{}, bad
		}
	default:
		return target{}, bad
	}
	return t, nil
}

// namespaces of the comment methods per ref kind.
var commentNS = map[string]string{"wall": "wall", "photo": "photos", "video": "video", "market": "market"}

// Delete deletes a comment, board post or private message. A comment that
// is already gone counts as deleted. Wall, photo, video and market comments
// need the user token; board posts and messages use the community token.
// A message is deleted for everybody where VK allows it (within 24 hours),
// otherwise only in the community's inbox.
func (c *Connector) Delete(ctx context.Context, ref string) error {
	if c.isClosed() {
		return errClosed
	}
	t, err := parseRef(ref)
	if err != nil {
		return err
	}
	switch t.kind {
	case "board":
		err = c.api.call(ctx, community, "board.deleteComment", api.Params{
			"group_id": c.cfg.GroupID, "topic_id": t.owner, "comment_id": t.id}, nil)
	case "msg":
		p := api.Params{"group_id": c.cfg.GroupID, "message_ids": t.msgID, "delete_for_all": 1}
		err = c.deleteMessage(ctx, p)
		if apiCode(err) == codeCantForAll {
			p["delete_for_all"] = 0
			err = c.deleteMessage(ctx, p)
		}
	default:
		// Packed with other pages' deletions waiting for the token (pack.go).
		err = c.api.callPacked(ctx, user, commentNS[t.kind]+".deleteComment", api.Params{
			"owner_id": t.owner, "comment_id": t.id})
	}
	if apiCode(err) == codeNotFound {
		return nil // already gone
	}
	if err != nil {
		return fmt.Errorf("vk: delete %s: %w", ref, err)
	}
	return nil
}

// deleteMessage calls messages.delete and reads the outcome per message,
// which 5.199 reports inside a successful answer (see msgDeleteResult).
func (c *Connector) deleteMessage(ctx context.Context, p api.Params) error {
	var raw json.RawMessage
	if err := c.api.call(ctx, community, "messages.delete", p, &raw); err != nil {
		return err
	}
	return msgDeleteResult(raw)
}

// Restore brings a deleted comment or board post back; one that is not
// deleted counts as restored (VK's error 243). Messages cannot be restored
// by a community (moderation.ErrUnsupported).
func (c *Connector) Restore(ctx context.Context, ref string) error {
	if c.isClosed() {
		return errClosed
	}
	t, err := parseRef(ref)
	if err != nil {
		return err
	}
	switch t.kind {
	case "msg":
		return fmt.Errorf("vk: restore %s: %w", ref, moderation.ErrUnsupported)
	case "board":
		err = c.api.call(ctx, community, "board.restoreComment", api.Params{
			"group_id": c.cfg.GroupID, "topic_id": t.owner, "comment_id": t.id}, nil)
	default:
		err = c.api.call(ctx, user, commentNS[t.kind]+".restoreComment", api.Params{
			"owner_id": t.owner, "comment_id": t.id}, nil)
	}
	if apiCode(err) == codeNotDeleted {
		return nil
	}
	if err != nil {
		return fmt.Errorf("vk: restore %s: %w", ref, err)
	}
	return nil
}

// banReason maps a rule label to VK's ban reason code (§1.6).
func banReason(label string) int {
	switch label {
	case "spam":
		return 1
	case "insult", "threat":
		return 2
	case "obscenity":
		return 3
	}
	return 0
}

// Ban bans an author (a user id, or -id for a community) from the
// community with groups.ban (user token). Until zero bans forever; a date
// more than a year ahead is brought back to VK's maximum; one already past
// (or ending within a minute) is not placed (moderation.ErrUnsupported).
func (c *Connector) Ban(ctx context.Context, author string, b moderation.BanRequest) error {
	if c.isClosed() {
		return errClosed
	}
	id, err := strconv.Atoi(author)
	if err != nil || id == 0 {
		return fmt.Errorf("vk: ban: bad author %q: %w", author, moderation.ErrItem)
	}
	p := api.Params{"group_id": c.cfg.GroupID, "owner_id": id, "reason": banReason(b.Label)}
	if !b.Until.IsZero() {
		now := time.Now()
		until := b.Until
		if !until.After(now.Add(minBan)) {
			// Recorded as skipped with why, not as placed.
			return fmt.Errorf("vk: ban %s until %s is not placed: it has ended or ends within a minute: %w",
				author, until.Format(time.DateTime), moderation.ErrUnsupported)
		}
		if until.Sub(now) > maxBan {
			until = now.Add(maxBan)
		}
		p["end_date"] = until.Unix()
	}
	if b.Comment != "" {
		p["comment"] = b.Comment
		p["comment_visible"] = b.Visible
	}
	if err := c.api.call(ctx, user, "groups.ban", p, nil); err != nil {
		return fmt.Errorf("vk: ban %s: %w", author, err)
	}
	return nil
}

// Unban lifts a ban with groups.unban (user token).
func (c *Connector) Unban(ctx context.Context, author string) error {
	if c.isClosed() {
		return errClosed
	}
	id, err := strconv.Atoi(author)
	if err != nil || id == 0 {
		return fmt.Errorf("vk: unban: bad author %q: %w", author, moderation.ErrItem)
	}
	err = c.api.call(ctx, user, "groups.unban", api.Params{"group_id": c.cfg.GroupID, "owner_id": id}, nil)
	if err != nil {
		return fmt.Errorf("vk: unban %s: %w", author, err)
	}
	return nil
}

var _ moderation.Connector = (*Connector)(nil)
