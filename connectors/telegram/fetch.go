package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/moderation"
)

// allowedUpdates is what getUpdates asks for (§5.5: edits must be listed;
// the channel's posts, to a bot that is also the channel's admin, for the
// publication cadence).
const allowedUpdates = `["message","edited_message","channel_post","edited_channel_post"]`

// Fetch long-polls getUpdates from the cursor and returns the comments of
// the discussion group. Delivery is at-least-once: an offset is confirmed
// to Telegram once the pipeline reports the batch stored (Committed), or,
// by a pipeline that does not, confirmDelay after it was handed out (see
// confirmDelay); on a restart the saved cursor reads again whatever
// Telegram still holds past it (about a day).
func (c *Connector) Fetch(ctx context.Context, cur []byte) ([]moderation.Update, []byte, error) {
	if c.isClosed() {
		return nil, nil, errClosed
	}
	in, err := decodeCursor(cur)
	if err != nil {
		// A broken cursor is not worth a stuck account: read what Telegram
		// holds (the pipeline deduplicates what was decided before).
		c.log.Warn("unreadable cursor, reading what Telegram holds", "err", err)
		in = cursor{V: cursorVersion}
	}
	c.mu.Lock()
	if c.started && in.Offset > c.handed && c.restartBase > 0 {
		// A cursor from before Telegram restarted its ids: the batches
		// handed out since were not stored, read them again.
		in.Offset = c.restartBase
	}
	if !c.started || in.Offset < c.handed {
		// The first Fetch reads from the saved (durable) cursor; an older
		// cursor handed back is a batch the pipeline could not store.
		c.started = true
		c.handed = in.Offset
		c.confirmed = max(c.confirmed, in.Offset)
		c.pending = c.pending[:0]
		c.posts.load(in.Posts)
		c.since = time.Unix(in.Since, 0)
		if in.Since == 0 {
			c.since = c.now().Truncate(time.Second) // as the cursor keeps it
			if c.sink != nil {
				c.log.Info("counting the channel's posts from now: the Bot API lists no past posts, so the first 7 days read low (strazh_posts_week_partial)")
			}
		}
	}
	// The pipeline is back for more: the batches handed out before are in
	// its queue now, and their margin starts.
	now := c.now()
	for i := range c.pending {
		if c.pending[i].at.IsZero() {
			c.pending[i].at = now
		}
	}
	c.mu.Unlock()
	if err := c.refreshAdmins(ctx, false); err != nil {
		c.log.Warn("reload admins failed, keeping the old list", "err", err)
	}
	for {
		offset := c.confirmable()
		ups, err := c.getUpdates(ctx, offset)
		if err != nil {
			return nil, nil, err
		}
		c.noteRestart(ups, offset)
		// The channel's posts are stored before their updates are handed
		// on (and so confirmed): a crash then reads them again, and the
		// store keeps one of each.
		c.recordPosts(ups)
		c.mu.Lock()
		var out []moderation.Update
		fresh := false
		for _, u := range ups {
			if u.ID < c.handed {
				continue // handed out already, not yet confirmed
			}
			fresh = true
			c.handed = u.ID + 1
			if up, ok := c.convert(u); ok {
				out = append(out, up)
			}
		}
		if fresh {
			// A batch with comments starts its margin when the pipeline
			// has queued it (the next Fetch); one of skipped updates only
			// needs no commit and starts at once.
			h := handout{offset: c.handed}
			if len(out) == 0 {
				h.at, h.bare = c.now(), true
			}
			c.pending = append(c.pending, h)
		}
		// Updates that are all skipped (a channel's forward, another
		// chat) are not returned alone: the pipeline pauses after a batch
		// without updates, which would hold up the comments right behind.
		// Their offset is confirmed after the margin like any other.
		if len(out) > 0 || len(ups) == 0 {
			next := cursor{V: cursorVersion, Offset: c.handed, Posts: c.posts.list(), Since: c.since.Unix()}
			c.mu.Unlock()
			return out, next.encode(), nil
		}
		wait := c.untilConfirmable()
		c.mu.Unlock()
		// Only updates handed out (or skipped) before came back: Telegram
		// answers at once while any are unconfirmed, so pause instead of
		// asking again at once.
		if err := c.sleep(ctx, min(wait, pollBackoff)); err != nil {
			return nil, nil, err
		}
	}
}

// noteRestart follows Telegram when it restarts its update ids, which it
// does after a week without updates (the next id is chosen at random): an
// update below the offset just sent can only be one of the new sequence,
// since that offset confirmed every older one. Skipped as handed out
// before, it came back at once on every poll and no comment was read
// again (go-telegram-bot-api issue 156 shows the real API doing this).
func (c *Connector) noteRestart(ups []*models.Update, sent int64) {
	if sent <= 0 || len(ups) == 0 {
		return
	}
	low := ups[0].ID
	for _, u := range ups[1:] {
		low = min(low, u.ID)
	}
	if low >= sent {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log.Warn("Telegram restarted its update ids (after a week without updates): reading on from the new ones", "offset", sent, "next", low)
	c.handed, c.confirmed, c.restartBase = low, 0, low
	c.pending = c.pending[:0]
}

// pollBackoff bounds the pause when getUpdates brought back only updates
// handed out before (Telegram answers at once while any are unconfirmed):
// a new comment behind them waits at most this long.
const pollBackoff = 250 * time.Millisecond

// confirmable is the offset getUpdates may send: the newest one handed
// out at least confirmDelay ago.
// With commits reported (Committed), it is the newest committed one, or a
// run of bare handouts right behind it (nothing to store).
func (c *Connector) confirmable() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	i := 0
	for i < len(c.pending) && c.ripe(c.pending[i], now) {
		c.confirmed = max(c.confirmed, c.pending[i].offset)
		i++
	}
	c.pending = c.pending[i:]
	return c.confirmed
}

// ripe: a handout may be confirmed; call with mu held.
func (c *Connector) ripe(h handout, now time.Time) bool {
	if c.committed {
		return h.bare // the others go with their commit (Committed)
	}
	return !h.at.IsZero() && now.Sub(h.at) >= c.confirm
}

// Committed is told by the pipeline that the batch up to cur is stored
// (moderation.Committer): its offset may be confirmed to Telegram now.
func (c *Connector) Committed(cur []byte) {
	in, err := decodeCursor(cur)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.committed = true
	if in.Offset > c.handed {
		return // a batch from before Telegram restarted its ids (noteRestart)
	}
	c.confirmed = max(c.confirmed, in.Offset)
	i := 0
	for i < len(c.pending) && c.pending[i].offset <= c.confirmed {
		i++
	}
	c.pending = c.pending[i:]
}

// untilConfirmable is how long until the oldest pending offset may be
// confirmed; call with mu held.
func (c *Connector) untilConfirmable() time.Duration {
	if c.committed {
		return pollBackoff // the commit may come any moment
	}
	if len(c.pending) == 0 || c.pending[0].at.IsZero() {
		return c.confirm
	}
	return max(c.confirm-c.now().Sub(c.pending[0].at), 10*time.Millisecond)
}

// getUpdates long-polls once.
func (c *Connector) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	secs := int(c.cfg.PollTimeout / time.Second)
	form := url.Values{
		"timeout":         {strconv.Itoa(secs)},
		"allowed_updates": {allowedUpdates},
	}
	if offset > 0 {
		form.Set("offset", strconv.FormatInt(offset, 10))
	}
	var raws []json.RawMessage
	if err := c.api.call(ctx, "getUpdates", form, &raws, c.cfg.PollTimeout); err != nil {
		return nil, err
	}
	return c.readUpdates(raws), nil
}

// convert turns an update into a comment; ok is false for what is not
// moderated (other chats, the channel's forwards, service messages, the
// bot's own messages, messages before the epoch). Call with mu held.
func (c *Connector) convert(u *models.Update) (moderation.Update, bool) {
	m, edited := u.Message, false
	if m == nil {
		m, edited = u.EditedMessage, true
	}
	if m == nil || m.Chat.ID != c.cfg.ChatID {
		return moderation.Update{}, false
	}
	if m.IsAutomaticForward {
		c.posts.add(m.ID, firstText(m))
		return moderation.Update{}, false
	}
	root, isComment := c.threadRoot(m)
	if !isComment && c.cfg.Scope != ScopeAll {
		return moderation.Update{}, false
	}
	if m.From != nil && m.From.ID == c.botID && m.SenderChat == nil {
		return moderation.Update{}, false
	}
	text, attach, links := content(m)
	if text == "" && len(attach) == 0 {
		return moderation.Update{}, false // a service message (joined, pinned, ...)
	}
	created := time.Unix(int64(m.Date), 0)
	// Telegram gives whole seconds: a comment made in the second strazh
	// first started is not from before it.
	if !edited && !c.backfil && !c.epoch.IsZero() && created.Before(c.epoch.Truncate(time.Second)) {
		return moderation.Update{}, false
	}
	local := strconv.FormatInt(m.Chat.ID, 10) + ":" + strconv.Itoa(m.ID)
	cm := moderation.Comment{
		Network: Network, Account: c.account, Kind: KindComment,
		ID: moderation.MakeID(Network, c.account, local), Ref: local,
		Author: c.author(m), Text: text, Links: links, Attach: attach, Created: created,
		Permalink: permalink(m.Chat, m.ID, root),
	}
	if !isComment {
		cm.Kind = KindGroupMessage
	}
	if root != 0 {
		cm.PostID = strconv.Itoa(root)
	}
	if edited && m.EditDate != 0 {
		cm.Edited = time.Unix(int64(m.EditDate), 0)
	}
	cm.Context = c.context(m, root)
	c.posts.comment(m.ID, root)
	return moderation.Update{Type: moderation.UpdateComment, Comment: cm}, true
}

// Kinds of what the connector delivers.
const (
	KindComment      moderation.Kind = "telegram_comment"       // in a channel post's thread
	KindGroupMessage moderation.Kind = "telegram_group_message" // elsewhere in the group (scope: all)
)

// threadRoot finds the channel post a message comments on. This is the
// seam for what §5.5 marks unverified (message_thread_id in non-forum
// discussion groups): a reply to the forward itself, a message whose
// thread is a known forward, or a reply to a known comment.
func (c *Connector) threadRoot(m *models.Message) (int, bool) {
	if r := m.ReplyToMessage; r != nil && r.IsAutomaticForward {
		c.posts.add(r.ID, firstText(r))
		return r.ID, true
	}
	if m.MessageThreadID != 0 && c.posts.has(m.MessageThreadID) {
		return m.MessageThreadID, true
	}
	if r := m.ReplyToMessage; r != nil {
		if root, ok := c.posts.rootOf(r.ID); ok {
			return root, true
		}
	}
	return 0, false
}

// author says who wrote m. Posting as a chat (sender_chat) is the channel
// itself, an anonymous admin of the group, or another channel: the first
// two are exempt, the last is moderated under the chat's (negative) id.
func (c *Connector) author(m *models.Message) moderation.Author {
	if sc := m.SenderChat; sc != nil {
		a := moderation.Author{ID: strconv.FormatInt(sc.ID, 10), Name: sc.Title}
		if sc.Username != "" {
			a.ProfileURL = "https://t.me/" + sc.Username
		}
		a.IsPage = sc.ID == c.cfg.ChannelID
		a.IsManager = sc.ID == c.cfg.ChatID // an anonymous group admin
		return a
	}
	if m.From == nil {
		return moderation.Author{}
	}
	u := m.From
	a := moderation.Author{ID: strconv.FormatInt(u.ID, 10), Name: u.FirstName}
	if u.LastName != "" {
		a.Name += " " + u.LastName
	}
	if u.Username != "" {
		a.ProfileURL = "https://t.me/" + u.Username
	}
	a.IsManager = c.admins.ids[u.ID]
	return a
}

// context is the post and the parent for the card.
func (c *Connector) context(m *models.Message, root int) *moderation.Context {
	x := &moderation.Context{Post: moderation.CutContext(c.posts.text(root))}
	if r := m.ReplyToMessage; r != nil && !r.IsAutomaticForward {
		x.Parent = moderation.CutContext(firstText(r))
	}
	if r := m.ReplyToMessage; r != nil && r.IsAutomaticForward && r.SenderChat != nil {
		x.Page = r.SenderChat.Title
	}
	if *x == (moderation.Context{}) {
		return nil
	}
	return x
}

// content is a message's text (or caption), attachment kinds and the
// targets of its hidden links (text_link; visible URLs are in the text).
// A message of another kind than text (a poll, a contact card, a place)
// is a comment too: its kind is the attachment, and the words it shows
// (a poll's question and options, a contact's name and number, a
// place's name and address) its text, so the rules read them.
func content(m *models.Message) (string, []string, []string) {
	text := m.Text
	ents := m.Entities
	if text == "" {
		text, ents = m.Caption, m.CaptionEntities
	}
	var attach, links []string
	switch {
	case len(m.Photo) > 0:
		attach = append(attach, "photo")
	case m.Video != nil:
		attach = append(attach, "video")
	case m.Animation != nil:
		attach = append(attach, "animation")
	case m.Document != nil:
		attach = append(attach, "doc:"+m.Document.FileName)
	case m.Sticker != nil:
		attach = append(attach, "sticker")
	case m.Voice != nil:
		attach = append(attach, "voice")
	case m.Audio != nil:
		attach = append(attach, "audio")
	case m.VideoNote != nil:
		attach = append(attach, "video_note")
	case m.Contact != nil:
		// A contact card is its text: the name and the number.
		attach = append(attach, "contact")
		if text == "" {
			text = strings.TrimSpace(strings.Join([]string{m.Contact.FirstName, m.Contact.LastName, m.Contact.PhoneNumber}, " "))
		}
	case m.Poll != nil:
		attach = append(attach, "poll")
		if text == "" {
			parts := []string{m.Poll.Question}
			for _, o := range m.Poll.Options {
				parts = append(parts, o.Text)
			}
			text = strings.Join(parts, "\n")
		}
	case m.Venue != nil:
		attach = append(attach, "venue")
		if text == "" {
			text = strings.TrimSpace(m.Venue.Title + "\n" + m.Venue.Address)
		}
	case m.Location != nil:
		attach = append(attach, "location")
	case m.Story != nil:
		attach = append(attach, "story")
	case m.PaidMedia != nil:
		attach = append(attach, "paid_media")
	case m.Dice != nil:
		attach = append(attach, "dice")
	case m.Game != nil:
		attach = append(attach, "game")
	case m.Checklist != nil:
		attach = append(attach, "checklist")
	case m.Invoice != nil:
		attach = append(attach, "invoice")
	case m.Giveaway != nil:
		attach = append(attach, "giveaway")
	}
	for _, e := range ents {
		if e.Type == models.MessageEntityTypeTextLink && e.URL != "" {
			links = append(links, e.URL)
		}
	}
	return text, attach, links
}

func firstText(m *models.Message) string {
	if m.Text != "" {
		return m.Text
	}
	return m.Caption
}

// permalink links to a message of a supergroup (t.me/c/<id without -100>
// for a private one; t.me/<username> for a public one).
func permalink(chat models.Chat, id, root int) string {
	if chat.Username != "" {
		return fmt.Sprintf("https://t.me/%s/%d", chat.Username, id)
	}
	internal := strconv.FormatInt(-chat.ID, 10)
	if len(internal) > 3 && internal[:3] == "100" {
		internal = internal[3:]
	}
	if root != 0 {
		return fmt.Sprintf("https://t.me/c/%s/%d?thread=%d", internal, id, root)
	}
	return fmt.Sprintf("https://t.me/c/%s/%d", internal, id)
}
