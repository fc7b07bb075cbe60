package telegram

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/moderation"
)

// The channel's own posts, for the publication cadence (§2.1). The Bot
// API lists no channel history, so they are counted as they arrive, two
// ways: as channel_post / edited_channel_post (to a bot that is an admin
// of the channel) and as the automatic forward of every post into the
// discussion group (to the group's admin bot, which this connector always
// is). Both name the post by its id in the channel and its date, so the
// store's key (account, date, id) is the same whichever way, and however
// often, a post arrives. They are stored before their updates are handed
// on, so a confirmed update never holds a post not yet stored (but for a
// store that fails: see recordPosts).

// postStore is where the posts go (the daemon's store, given by the
// cadence: RecordPosts). It is the same type as cadence.Store (both alias
// this interface), so the connector is a cadence.Arriving without
// importing the cadence and its metrics.
type postStore = interface {
	PutPosts(posts []moderation.Post) error
	Posts(account string, since, until time.Time) ([]moderation.Post, error)
}

// ownPost is a channel post an update carries.
type ownPost struct {
	id  string
	at  time.Time
	url string
	// approx: named and dated by the group's forward, not the post (see
	// forwarded); its id starts with approxPrefix.
	approx bool
}

// approxPrefix starts the id of a post known only from its forward
// without forward_origin.
const approxPrefix = "group:"

// sameMoment is how close an approximately dated post is to another to
// be the same one: the forward's own date may lag the post's.
const sameMoment = 2 * time.Second

// postID names a post: its id in the channel; an album (the items of one
// media group, which share one date, each its own message) is one post,
// named by that date, whichever item or way came first.
func postID(id int, date int, album bool) string {
	if album {
		return "album:" + strconv.Itoa(date)
	}
	return strconv.Itoa(id)
}

// RecordPosts makes the connector store the channel's posts as they
// arrive (cadence.Arriving); without it they are not counted.
func (c *Connector) RecordPosts(st postStore) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sink = st
}

// CountingSince is when this account's posts started being counted (the
// first start of a connector that records them, kept in the cursor); ok
// is false before the first Fetch has read the cursor.
func (c *Connector) CountingSince() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.since, c.started && !c.since.IsZero()
}

// channelPost is the channel post u carries, if any.
func (c *Connector) channelPost(u *models.Update) (ownPost, bool) {
	if m := cmp.Or(u.ChannelPost, u.EditedChannelPost); m != nil {
		if m.Chat.ID != c.cfg.ChannelID || isService(m) {
			return ownPost{}, false
		}
		return ownPost{id: postID(m.ID, m.Date, m.MediaGroupID != ""), at: time.Unix(int64(m.Date), 0),
			url: permalink(m.Chat, m.ID, 0)}, true
	}
	m := cmp.Or(u.Message, u.EditedMessage)
	if m == nil || m.Chat.ID != c.cfg.ChatID || !m.IsAutomaticForward {
		return ownPost{}, false
	}
	return c.forwarded(m)
}

// forwarded reads the channel post an automatic forward in the group
// carries. This is the seam for what platform-apis.md does not record:
// that the forward's forward_origin (type "channel", Bot API 7.0) names
// the channel, the post's id in it and the post's own date. Without it the
// post is named by the forward's id in the group and dated by the forward
// (approx): it is then one post with any other within sameMoment. An
// album's items are told by media_group_id, which the group's copies carry
// too (their own value: only its presence is read).
func (c *Connector) forwarded(m *models.Message) (ownPost, bool) {
	if isService(m) {
		return ownPost{}, false
	}
	if o := m.ForwardOrigin; o != nil && o.MessageOriginChannel != nil {
		oc := o.MessageOriginChannel
		if oc.Chat.ID != c.cfg.ChannelID {
			return ownPost{}, false // another channel's post forwarded by hand
		}
		return ownPost{id: postID(oc.MessageID, oc.Date, m.MediaGroupID != ""), at: time.Unix(int64(oc.Date), 0),
			url: permalink(oc.Chat, oc.MessageID, 0)}, true
	}
	if m.SenderChat == nil || m.SenderChat.ID != c.cfg.ChannelID {
		return ownPost{}, false
	}
	return ownPost{id: approxPrefix + postID(m.ID, m.Date, m.MediaGroupID != ""), at: time.Unix(int64(m.Date), 0),
		url: permalink(m.Chat, m.ID, 0), approx: true}, true
}

// isService: a message that is no publication: one with no text, caption
// or content of a post (a pin, a new title or photo, a video chat — which
// go-telegram/bot v1.19 decodes under its old voice_chat names only — the
// channel's creation).
func isService(m *models.Message) bool {
	return m.Text == "" && m.Caption == "" && len(m.Photo) == 0 && m.Video == nil && m.Animation == nil &&
		m.Document == nil && m.Audio == nil && m.Voice == nil && m.VideoNote == nil && m.Sticker == nil &&
		m.Poll == nil && m.Location == nil && m.Venue == nil && m.Contact == nil && m.Dice == nil &&
		m.Story == nil && m.PaidMedia == nil
}

// recordPosts stores the channel posts the updates carry that the store
// does not hold yet. Updates handed out before (read again while their
// commit is awaited) were recorded then. A store that fails is logged and
// moderation goes on (the cadence must never hold it up): the posts of
// this batch are then missed unless read again after a restart.
func (c *Connector) recordPosts(ups []*models.Update) {
	c.mu.Lock()
	sink, handed := c.sink, c.handed
	c.mu.Unlock()
	if sink == nil {
		return
	}
	var fresh []moderation.Post
	for _, u := range ups {
		if u.ID < handed {
			continue
		}
		p, ok := c.channelPost(u)
		if !ok || c.known(sink, p, fresh) {
			continue
		}
		fresh = append(fresh, moderation.Post{Network: Network, Account: c.account, ID: p.id, URL: p.url, At: p.at})
	}
	if len(fresh) == 0 {
		return
	}
	if err := sink.PutPosts(fresh); err != nil {
		ids := make([]string, len(fresh))
		for i := range fresh {
			ids[i] = fresh[i].ID
		}
		c.log.Error("channel posts not recorded: the publication cadence misses them", "post_ids", ids, "err", err)
		return
	}
	c.log.Debug("channel posts recorded", "n", len(fresh))
}

// known reports whether p is a post already stored or in this batch: the
// same id, or, when either is approximately dated, any post within
// sameMoment. A store that cannot be read knows none: writing the same
// post again is harmless (same key) but for an approximate one.
func (c *Connector) known(sink postStore, p ownPost, batch []moderation.Post) bool {
	same := func(q moderation.Post) bool {
		if q.ID == p.id {
			return true
		}
		d := q.At.Sub(p.at)
		return (p.approx || strings.HasPrefix(q.ID, approxPrefix)) && d > -sameMoment && d < sameMoment
	}
	if slices.ContainsFunc(batch, same) {
		return true
	}
	// Both ways date a post alike, so a minute either side finds it.
	stored, err := sink.Posts(c.account, p.at.Add(-time.Minute), p.at.Add(time.Minute))
	if err != nil {
		c.log.Warn("recorded channel posts unreadable; recording this one anyway", "post_id", p.id, "err", err)
		return false
	}
	return slices.ContainsFunc(stored, same)
}
