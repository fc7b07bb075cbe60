package vk

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// Catch-up of photo, video and market comments and of private messages
// (§1.5): what the long poll delivers, read again after a restart or lost
// history. Costs per catch-up (README.md): photos ⌈catchup_photos/100⌉
// calls at most (newest first, stopping at the last catch-up); videos and
// market items one list call each plus one execute per 25 items with
// comments; dialogs one list call plus one history call per dialog with
// new messages, at most catchup_dialogs.

// catchUpAfter is the time photo comments and dialogs are read back to:
// the last catch-up (a minute of overlap against clock skew) or the window.
func catchUpAfter(cur *cursor, since time.Time) int64 {
	after := since.Unix()
	if caught := cur.caughtAt(); caught-60 > after {
		after = caught - 60
	}
	return after
}

// catchUpPhotos reads the community's photo comments newest first
// (photos.getAllComments has no start_comment_id) back to the last
// catch-up, at most catchup_photos of them. Comments read twice (the
// overlap) are dropped by the pipeline on their version.
func (c *Connector) catchUpPhotos(ctx context.Context, cur *cursor, since time.Time) ([]moderation.Update, error) {
	after := catchUpAfter(cur, since)
	// unverified: that photo comment ids grow per owner across photos, as
	// wall comment ids do; only used to skip comments already delivered
	// (the stop is by date).
	seen := cur.photoStart()
	var ups []moderation.Update
	for off := 0; off < c.cfg.CatchupPhotos; {
		count := min(pageSize, c.cfg.CatchupPhotos-off)
		var pg struct {
			Items []struct {
				vkComment
				// unverified: the photo's id as the 5.199 schema names it
				// (photos_comment_xtr_pid); events name it photo_id.
				PID int `json:"pid"`
			} `json:"items"`
		}
		p := api.Params{"owner_id": -c.cfg.GroupID, "offset": off, "count": count, "need_likes": 0}
		if err := c.api.call(ctx, user, "photos.getAllComments", p, &pg); err != nil {
			return nil, fmt.Errorf("catch-up photos: %w", err)
		}
		older := false
		for i := range pg.Items {
			vc := &pg.Items[i].vkComment
			if vc.Date < after {
				older = true
				break
			}
			if vc.PhotoID == 0 {
				vc.PhotoID = pg.Items[i].PID
			}
			if vc.ID <= seen || vc.Deleted || vc.PhotoID == 0 {
				continue
			}
			cur.Photo = max(cur.Photo, vc.ID)
			if !c.keep(vc.Date) {
				continue
			}
			ups = append(ups, moderation.Update{Type: moderation.UpdateComment, Comment: c.comment(moderation.KindPhotoComment, vc, 0)})
		}
		off += len(pg.Items)
		if older || len(pg.Items) < count {
			break
		}
	}
	return ups, nil
}

// mediaObject is a video or market item as video.get and market.get list it.
type mediaObject struct {
	ID       int   `json:"id"`
	Date     int64 `json:"date"`
	Comments *int  `json:"comments"` // videos; absent for market items (read them all)
}

// catchUpMedia reads the comments of the newest n videos (kind video) or
// market items under each from the highest id seen there (cursor Videos,
// Market), batched 25 to an execute.
func (c *Connector) catchUpMedia(ctx context.Context, cur *cursor, kind moderation.Kind, n int) ([]moderation.Update, error) {
	list, method, idKey := "video.get", "video.getComments", "video_id"
	seen, start := &cur.Videos, cur.videoStart
	if kind == moderation.KindMarketComment {
		list, method, idKey = "market.get", "market.getComments", "item_id"
		seen, start = &cur.Market, cur.marketStart
	}
	var r struct {
		Items []mediaObject `json:"items"`
	}
	if err := c.api.call(ctx, user, list, api.Params{"owner_id": -c.cfg.GroupID, "count": n}, &r); err != nil {
		return nil, fmt.Errorf("catch-up %s: %w", list, err)
	}
	type req struct{ obj, from int }
	var reqs []req
	listed := map[int]bool{}
	for _, o := range r.Items {
		listed[o.ID] = true
		if o.Comments == nil || *o.Comments > 0 {
			reqs = append(reqs, req{o.ID, start(o.ID)})
		}
	}
	var ups []moderation.Update
	for len(reqs) > 0 {
		batch := reqs[:min(len(reqs), executeMaxCall)]
		reqs = reqs[len(batch):]
		params := make([]api.Params, len(batch))
		for i, rq := range batch {
			params[i] = api.Params{"owner_id": -c.cfg.GroupID, idKey: rq.obj, "count": pageSize, "sort": "asc"}
			if rq.from > 0 {
				params[i]["start_comment_id"] = rq.from // inclusive: ids <= from are dropped below
			}
		}
		pages, errs := c.batch(ctx, user, method, params)
		for i, rq := range batch {
			if errs[i] != nil {
				if moderation.Classify(errs[i]) == moderation.ClassItem {
					c.log.Warn("catch-up: item skipped", "method", method, "post_id", rq.obj, "err", errs[i])
					continue
				}
				return nil, fmt.Errorf("catch-up %s %d: %w", method, rq.obj, errs[i])
			}
			items := pages[i].Items
			for j := range items {
				vc := &items[j]
				if vc.ID <= rq.from || vc.Deleted {
					continue
				}
				see(seen, rq.obj, vc.ID)
				if !c.keep(vc.Date) {
					continue
				}
				// Comments of these methods do not name their object.
				if kind == moderation.KindVideoComment {
					vc.VideoID = rq.obj
				} else {
					vc.ItemID = rq.obj
				}
				ups = append(ups, moderation.Update{Type: moderation.UpdateComment, Comment: c.comment(kind, vc, 0)})
			}
			if len(items) == pageSize && items[len(items)-1].ID > rq.from {
				reqs = append(reqs, req{rq.obj, items[len(items)-1].ID})
			}
		}
	}
	for id := range *seen {
		if !listed[id] {
			delete(*seen, id)
		}
	}
	return ups, nil
}

// maxHistoryPages bounds the pages of one dialog a catch-up reads (1000
// messages).
const maxHistoryPages = 5

// catchUpDialogs reads the newest dialogs (community token) and, for each
// whose last message is newer than the one seen (cursor Peers), its
// messages after that one; a dialog not seen before back to the last
// catch-up.
func (c *Connector) catchUpDialogs(ctx context.Context, cur *cursor, since time.Time) ([]moderation.Update, error) {
	after := catchUpAfter(cur, since)
	var r struct {
		Items []struct {
			Conversation struct {
				Peer struct {
					ID int `json:"id"`
				} `json:"peer"`
				LastMessageID int `json:"last_message_id"`
			} `json:"conversation"`
			LastMessage struct {
				Date int64 `json:"date"`
			} `json:"last_message"`
		} `json:"items"`
	}
	p := api.Params{"group_id": c.cfg.GroupID, "count": c.cfg.CatchupDialogs, "filter": "all"}
	if err := c.api.call(ctx, community, "messages.getConversations", p, &r); err != nil {
		return nil, fmt.Errorf("catch-up dialogs: %w", err)
	}
	var ups []moderation.Update
	for _, it := range r.Items {
		peer, last := it.Conversation.Peer.ID, it.Conversation.LastMessageID
		start := cur.peerStart(peer)
		if it.LastMessage.Date < after && start == 0 {
			break // newest first: the rest are older still
		}
		if last <= start {
			continue
		}
		for page := range maxHistoryPages {
			var h struct {
				Items []json.RawMessage `json:"items"`
			}
			hp := api.Params{"group_id": c.cfg.GroupID, "peer_id": peer, "count": 200, "offset": page * 200}
			if err := c.api.call(ctx, community, "messages.getHistory", hp, &h); err != nil {
				if moderation.Classify(err) == moderation.ClassItem {
					c.log.Warn("catch-up: dialog skipped", "peer_id", peer, "err", err)
					break
				}
				return nil, fmt.Errorf("catch-up dialog %d: %w", peer, err)
			}
			done := len(h.Items) < 200
			for _, raw := range h.Items { // newest first
				var m vkMessage
				if json.Unmarshal(raw, &m.Message) != nil {
					continue
				}
				if m.Message.ID <= start || (start == 0 && m.Message.Date < after) {
					done = true
					break
				}
				see(&cur.Peers, peer, m.Message.ID)
				if c.keep(m.Message.Date) {
					ups = append(ups, moderation.Update{Type: moderation.UpdateComment, Comment: c.message(&m)})
				}
			}
			if done {
				break
			}
		}
	}
	return ups, nil
}
