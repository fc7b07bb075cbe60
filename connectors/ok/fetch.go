package ok

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"time"

	"github.com/strazh/strazh/internal/answer"
	"github.com/strazh/strazh/moderation"
)

// maxPages bounds the pages of one topic read in one cycle (a new topic,
// or a burst of more than a page since the last cycle).
const maxPages = 10

// okComment is one comment of discussions.getComments (§2.3).
type okComment struct {
	ID         okID            `json:"id"`
	Text       string          `json:"text"`
	Date       json.RawMessage `json:"date"` // see parseDate
	AuthorID   okID            `json:"author_id"`
	AuthorType string          `json:"author_type"`
	ReplyTo    json.RawMessage `json:"reply_to_comment_id"` // see replyToComment
}

type commentsAnswer struct {
	Anchor   string      `json:"anchor"`
	HasMore  bool        `json:"has_more"`
	Comments []okComment `json:"comments"`
	Entities struct {
		Users []struct {
			UID       okID   `json:"uid"`
			Name      string `json:"name"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
		} `json:"users"`
	} `json:"entities"`
}

func values(m map[string]string) url.Values {
	v := make(url.Values, len(m))
	for k, s := range m {
		v.Set(k, s)
	}
	return v
}

// Fetch runs one poll cycle: the group's newest catchup_topics topics, and
// in each the newest page of comments (older pages while they hold
// comments not read before). A comment whose text changed since the last
// read is delivered again as an edit. Cycles start at least 0.9 ×
// poll_interval apart: called earlier, it waits. It works only from
// the cursor it is handed, so a cursor handed back again (after a crash)
// reads the same comments again, and after a restart it catches up over
// the same topics without delivering twice what the cursor holds.
//
// A broken token or key gives moderation.ErrCredentials; rate limits and
// outages a *moderation.BackOffError. A cycle cut short by one after some
// topics gave comments delivers those (the rest is read next cycle); one
// that read nothing fails, and nothing of it is kept.
func (c *Connector) Fetch(ctx context.Context, raw []byte) ([]moderation.Update, []byte, error) {
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if c.isClosed() {
		return nil, nil, errClosed
	}
	if err := c.sleepUntil(ctx, c.next); err != nil {
		return nil, nil, err
	}
	start := time.Now()
	cur, err := decodeCursor(raw)
	if err != nil {
		// An unreadable cursor must not wedge the account: read the topics
		// afresh (only comments since the epoch are moderated).
		c.log.Warn("unreadable cursor; reading the topics afresh", "err", err)
	}
	ups, err := c.cycle(ctx, &cur)
	if err != nil {
		return nil, nil, fmt.Errorf("ok: fetch: %w", err)
	}
	// From the cycle's start, so a topic is read once per interval however
	// long the cycle takes. The pipeline's idle pause (moderation.Poller)
	// gives the jitter after an empty batch; this floor only keeps a batch
	// with updates from being followed by a new cycle at once.
	c.next = start.Add(c.cfg.PollInterval - c.cfg.PollInterval/10)
	c.refMu.Lock()
	c.refs = maps.Clone(cur.Authors)
	c.refMu.Unlock()
	return ups, cur.encode(), nil
}

func (c *Connector) cycle(ctx context.Context, cur *cursor) ([]moderation.Update, error) {
	var topics topicsAnswer
	if err := c.api.call(ctx, "mediatopic.getTopics", values(topicsParams(c.gid, c.cfg.CatchupTopics)), &topics); err != nil {
		return nil, err
	}
	// A group that never listed a topic may answer without the field (its
	// shape is unverified): only once topics were known is it a glitch.
	if !topics.listed && len(cur.Topics) > 0 {
		return nil, &moderation.BackOffError{Err: fmt.Errorf("mediatopic.getTopics: %w",
			answer.Unreadable{Err: errors.New("no media_topics field (another shape than assumed?)")})}
	}
	if cur.Topics == nil {
		cur.Topics = map[string]*topicState{}
	}
	// Every topic listed keeps its place, read this cycle or not.
	listed := make(map[string]bool, len(topics.MediaTopics))
	for _, t := range topics.MediaTopics {
		listed[string(t.ID)] = true
	}
	delete(listed, "")
	done := make(map[string]bool, len(listed))
	var ups []moderation.Update
	var passed error // the last topic passed over as unreadable
	read := 0
	for _, t := range topics.MediaTopics {
		tid := string(t.ID)
		if tid == "" || done[tid] {
			continue
		}
		done[tid] = true
		st := cur.Topics[tid]
		fresh := st == nil
		if fresh {
			st = &topicState{Seen: map[string]seen{}}
		} else {
			st = &topicState{Seen: maps.Clone(st.Seen), Low: st.Low} // the handed cursor stays as it was
		}
		if st.Seen == nil {
			st.Seen = map[string]seen{} // a topic saved with no comments
		}
		var err error
		before := len(ups)
		if ups, err = c.readTopic(ctx, cur, tid, st, fresh, ups); err != nil {
			if moderation.Classify(err) == moderation.ClassItem {
				c.log.Warn("topic skipped", "topic_id", tid, "err", err)
				c.skipped.Add(1)
				continue
			}
			if answer.IsUnreadable(err) {
				// One topic answering what cannot be read must not stop
				// the others: it is read again next cycle, from where it
				// was (what it gave this time is not delivered).
				c.log.Warn("topic unreadable; the other topics are read", "topic_id", tid, "err", err)
				c.skipped.Add(1)
				ups, passed = ups[:before], fmt.Errorf("topic %s: %w", tid, err)
				continue
			}
			err = fmt.Errorf("topic %s: %w", tid, err)
			if ups = ups[:before]; len(ups) == 0 || moderation.Classify(err) == moderation.ClassCredentials {
				return nil, err
			}
			// A rate limit or an outage in the middle of the cycle: what
			// was read is delivered, this topic and the rest are read next
			// cycle from where they were. Failing the whole cycle would
			// throw it away and spend the same calls again next time.
			c.log.Warn("poll cycle cut short; the other topics are read next cycle", "err", err)
			break
		}
		read++
		st.prune()
		cur.Topics[tid] = st
	}
	if read == 0 && passed != nil {
		return nil, passed // no topic could be read: the pipeline counts it
	}
	if len(listed) == 0 {
		// No topic listed at all is OK's glitch more likely than a group
		// emptied: dropping what was read would deliver every comment of
		// the topics again once they are listed.
		return ups, nil
	}
	for id := range cur.Topics {
		if !listed[id] {
			delete(cur.Topics, id) // out of the watched window
		}
	}
	return ups, nil
}

// readTopic reads a topic's comments from the newest back to what was
// read before, appending the new ones and the edits to ups.
func (c *Connector) readTopic(ctx context.Context, cur *cursor, topic string, st *topicState, fresh bool, ups []moderation.Update) ([]moderation.Update, error) {
	anchor := ""
	now := time.Now()
	for range maxPages {
		a, dir := commentsFromNewest(anchor)
		p := values(map[string]string{"discussionId": topic, "discussionType": discussionType,
			"anchor": a, "direction": dir, "count": itoa(pageSize), "fields": commentFields})
		var ans commentsAnswer
		if err := c.api.call(ctx, "discussions.getComments", p, &ans); err != nil {
			return ups, err
		}
		names := make(map[string]string, len(ans.Entities.Users))
		for _, u := range ans.Entities.Users {
			n := u.Name
			if n == "" {
				n = u.FirstName + " " + u.LastName
			}
			names[string(u.UID)] = n
		}
		known, oldest := false, now.Unix()
		for i := len(ans.Comments) - 1; i >= 0; i-- { // newest first
			oc := &ans.Comments[i]
			id := string(oc.ID)
			if id == "" {
				continue
			}
			date, ok := parseDate(oc.Date)
			if !ok {
				c.log.Warn("comment date not in the known form; taking now", "topic_id", topic, "comment_id", id, "date", string(oc.Date))
				date = now
			}
			oldest = min(oldest, date.Unix())
			cm := c.comment(topic, oc, date, names)
			ver := uint32(cm.Version())
			if s, ok := st.Seen[id]; ok {
				known = true
				if s.V != ver {
					st.Seen[id] = seen{V: ver, D: s.D}
					cm.Edited = now // OK shows no edit time
					ups = c.deliver(ups, cur, cm)
				}
				continue
			}
			if !fresh && date.Unix() < st.Low {
				known = true // read before, out of memory now
				continue
			}
			st.Seen[id] = seen{V: ver, D: date.Unix()}
			if c.keep(date) {
				ups = c.deliver(ups, cur, cm)
			}
		}
		switch {
		case !ans.HasMore || len(ans.Comments) == 0 || ans.Anchor == "" || known:
			return ups, nil
		case fresh && !c.backfil && !c.epoch.IsZero() && oldest < c.epoch.Unix():
			return ups, nil // older pages are from before strazh's first start
		}
		anchor = ans.Anchor
	}
	c.log.Warn("topic has more unread comments than a cycle reads; the oldest are left", "topic_id", topic, "pages", maxPages)
	return ups, nil
}

func (c *Connector) deliver(ups []moderation.Update, cur *cursor, cm moderation.Comment) []moderation.Update {
	if !cm.Author.IsPage {
		cur.noteAuthor(cm.Author.ID, cm.Ref)
	}
	return append(ups, moderation.Update{Type: moderation.UpdateComment, Comment: cm})
}

// keep reports whether a comment made at date is moderated.
func (c *Connector) keep(date time.Time) bool {
	return c.backfil || c.epoch.IsZero() || !date.Before(c.epoch.Truncate(time.Second))
}

func (c *Connector) comment(topic string, oc *okComment, date time.Time, names map[string]string) moderation.Comment {
	local := topic + ":" + string(oc.ID)
	a := moderation.Author{ID: string(oc.AuthorID), Name: names[string(oc.AuthorID)], IsPage: pageAuthor(oc, c.gid)}
	a.IsManager = !a.IsPage && c.manager[a.ID]
	if a.ID != "" && !a.IsPage {
		a.ProfileURL = "https://ok.ru/profile/" + a.ID
	}
	cm := moderation.Comment{
		Network: Network, Account: c.account, Kind: moderation.KindWallComment,
		ID: moderation.MakeID(Network, c.account, local), Ref: local, PostID: topic,
		Permalink: "https://ok.ru/group/" + c.gid + "/topic/" + topic,
		Author:    a, Text: oc.Text, Created: date,
	}
	if parent := replyToComment(oc.ReplyTo); parent != "" {
		cm.ReplyTo = moderation.MakeID(Network, c.account, topic+":"+parent)
	}
	return cm
}
