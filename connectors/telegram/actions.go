package telegram

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// maxBan is the longest ban Telegram takes as a term: beyond 366 days (or
// under 30 s) until_date means forever (§5.2).
const maxBan = 365 * 24 * time.Hour

// minBan is the shortest rest of a term that is placed: a ban ending
// sooner is not (its term is as good as over). Telegram reads an
// until_date under 30 s from its own now as for ever, so what is sent
// stays well clear of that, a clock minutes behind Telegram's included.
const minBan = 5 * time.Minute

// ShortestBan is connectors.ShortestBan: a ban of minBan or less is not
// placed.
func (*Config) ShortestBan() time.Duration { return minBan }

// parseRef reads a Ref ("<chat_id>:<message_id>").
func parseRef(ref string) (chat int64, msg int64, err error) {
	a, b, ok := strings.Cut(ref, ":")
	if ok {
		chat, err = strconv.ParseInt(a, 10, 64)
		if err == nil {
			msg, err = strconv.ParseInt(b, 10, 64)
		}
	}
	if !ok || err != nil {
		return 0, 0, classed{fmt.Errorf("telegram: bad comment ref %q", ref), moderation.ErrItem}
	}
	return chat, msg, nil
}

// Delete deletes a message; one already gone counts as deleted. Telegram
// deletes only messages younger than 48 hours: an older one fails for
// good and must be deleted by hand in the app.
func (c *Connector) Delete(ctx context.Context, ref string) error {
	chat, msg, err := parseRef(ref)
	if err != nil {
		return err
	}
	form := url.Values{"chat_id": {strconv.FormatInt(chat, 10)}, "message_id": {strconv.FormatInt(msg, 10)}}
	err = c.api.callDone(ctx, "deleteMessage", form)
	if isGone(err) {
		return nil
	}
	return err
}

// Restore is impossible in Telegram.
func (c *Connector) Restore(ctx context.Context, ref string) error {
	return fmt.Errorf("telegram: restore: %w", moderation.ErrUnsupported)
}

// Ban bans an author from the group: a user with banChatMember (or, with
// ban_mode restrict, restrictChatMember: read-only), a chat posting as
// itself with banChatSenderChat (for good: Telegram has no term; the pipeline
// lifts a timed one when it runs out, Capabilities.BanNoEnd).
func (c *Connector) Ban(ctx context.Context, author string, ban moderation.BanRequest) error {
	id, err := strconv.ParseInt(author, 10, 64)
	if err != nil || id == 0 {
		return classed{fmt.Errorf("telegram: ban: bad author id %q", author), moderation.ErrItem}
	}
	form := url.Values{"chat_id": {strconv.FormatInt(c.cfg.ChatID, 10)}}
	if id < 0 {
		form.Set("sender_chat_id", author)
		return c.api.callDone(ctx, "banChatSenderChat", form)
	}
	form.Set("user_id", author)
	if !ban.Until.IsZero() {
		until := ban.Until
		if !until.After(c.now().Add(minBan)) {
			// Over, or nearly (it waited through a limit or an outage, or
			// ban.duration is that short): sent, it could become a ban for
			// ever. Recorded as skipped with why, not as placed.
			return fmt.Errorf("telegram: ban %s until %s is not placed: it ends within %s, and Telegram would read so near an end as for ever: %w",
				author, until.Format(time.DateTime), minBan, moderation.ErrUnsupported)
		}
		if lim := c.now().Add(maxBan); until.After(lim) {
			until = lim
		}
		form.Set("until_date", strconv.FormatInt(until.Unix(), 10))
	}
	if c.cfg.BanMode == BanModeRestrict {
		form.Set("permissions", mutePermissions)
		return c.api.callDone(ctx, "restrictChatMember", form)
	}
	return c.api.callDone(ctx, "banChatMember", form)
}

// Unban lifts a ban (or a restriction) placed by Ban.
func (c *Connector) Unban(ctx context.Context, author string) error {
	id, err := strconv.ParseInt(author, 10, 64)
	if err != nil || id == 0 {
		return classed{fmt.Errorf("telegram: unban: bad author id %q", author), moderation.ErrItem}
	}
	form := url.Values{"chat_id": {strconv.FormatInt(c.cfg.ChatID, 10)}}
	switch {
	case id < 0:
		form.Set("sender_chat_id", author)
		return c.api.callDone(ctx, "unbanChatSenderChat", form)
	case c.cfg.BanMode == BanModeRestrict:
		form.Set("user_id", author)
		form.Set("permissions", allowPermissions)
		return c.api.callDone(ctx, "restrictChatMember", form)
	}
	form.Set("user_id", author)
	form.Set("only_if_banned", "true")
	return c.api.callDone(ctx, "unbanChatMember", form)
}

// Chat permissions for a mute and its undo (ChatPermissions, JSON).
const (
	mutePermissions = `{"can_send_messages":false,"can_send_audios":false,"can_send_documents":false,` +
		`"can_send_photos":false,"can_send_videos":false,"can_send_video_notes":false,"can_send_voice_notes":false,` +
		`"can_send_polls":false,"can_send_other_messages":false,"can_add_web_page_previews":false}`
	allowPermissions = `{"can_send_messages":true,"can_send_audios":true,"can_send_documents":true,` +
		`"can_send_photos":true,"can_send_videos":true,"can_send_video_notes":true,"can_send_voice_notes":true,` +
		`"can_send_polls":true,"can_send_other_messages":true,"can_add_web_page_previews":true}`
)
