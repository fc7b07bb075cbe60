package meta

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/strazh/strazh/internal/answer"
	"github.com/strazh/strazh/moderation"
)

// Reading bounds.
const (
	pagesPerPost = 5   // pages of comments read per post and cycle
	inboxBatch   = 500 // webhook deliveries taken per Fetch
)

// Fetch returns the next updates and the cursor that covers them. Webhook
// deliveries (stored before Meta got its 200) come first, as soon as they
// arrive; every poll_interval the recent posts' comments are read, the
// safety net that fills any gap the webhooks left.
//
// It works from the cursor it is handed, so a cursor handed back after a
// crash reads the same again. A broken token gives moderation.ErrCredentials,
// rate limits and outages *moderation.BackOffError.
func (c *Connector) Fetch(ctx context.Context, raw []byte) ([]moderation.Update, []byte, error) {
	ups, next, err := c.fetch(ctx, raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: fetch: %w", c.network, err)
	}
	return ups, next, nil
}

func (c *Connector) fetch(ctx context.Context, raw []byte) ([]moderation.Update, []byte, error) {
	c.fetches.Add(1)
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if c.isClosed() {
		return nil, nil, errClosed
	}
	cur, err := decodeCursor(raw)
	if err != nil {
		// An unreadable cursor must not wedge the account: start afresh.
		c.log.Warn("unreadable cursor; starting from the recent posts", "err", err)
	}
	// Fetch waits for the next poll itself, taking webhook deliveries as
	// they come; a poll due within a fifth of the interval is read at once.
	for {
		ups, err := c.drain(&cur)
		if err != nil {
			return nil, nil, err
		}
		if len(ups) > 0 {
			return ups, cur.encode(), nil
		}
		wait := time.Until(c.nextPoll)
		if wait <= c.set.pollInterval/5 {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-c.wake:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-c.life.Done():
			t.Stop()
			return nil, nil, errClosed
		}
		t.Stop()
	}
	ups, err := c.poll(ctx, &cur)
	if err != nil {
		return nil, nil, err
	}
	return ups, cur.encode(), nil
}

// poll lists the recent posts and reads their new comments. A post Meta no
// longer has is dropped. A rate limit or an outage ends the cycle: what
// was read is returned, the rest is read at the next one; with nothing
// read the error is returned for the pipeline's back-off.
func (c *Connector) poll(ctx context.Context, cur *cursor) ([]moderation.Update, error) {
	// ±10% so that pages polled by one daemon drift apart.
	d := c.set.pollInterval
	c.nextPoll = time.Now().Add(d - d/10 + rand.N(d/5+1))
	latest, err := c.recentPosts(ctx)
	if err != nil {
		return nil, fmt.Errorf("recent posts: %w", err)
	}
	// No post listed at all is a glitch more likely than a page emptied:
	// what was read of the posts is kept, or every comment would come again.
	if len(latest) > 0 {
		cur.setPosts(latest, c.set.recentPosts)
	}
	var ups []moderation.Update
	var passed error // the last post passed over
	read := 0        // posts read
	keep := cur.Posts[:0]
	for i, p := range cur.Posts {
		next := *p
		next.Seen = cloneSeen(p.Seen)
		got, err := c.readPost(ctx, &next)
		switch {
		case err == nil:
			read++
			*p = next
			ups = append(ups, got...)
		case isUnknownObject(err):
			c.log.Info("post gone; no longer read", "post_id", p.ID)
			continue
		case answer.IsUnreadable(err) || moderation.Classify(err) == moderation.ClassItem:
			// Answered in a shape that cannot be read, or refused for
			// good: passed over, kept as it was to be read again next
			// cycle. Ending the cycle here would leave older posts unread.
			c.log.Warn("comments of a post refused or unreadable; the other posts are read", "post_id", p.ID, "err", err)
			c.skipped.Add(1)
			passed = fmt.Errorf("comments of %s: %w", p.ID, err)
		default:
			cur.Posts = append(keep, cur.Posts[i:]...)
			err = fmt.Errorf("comments of %s: %w", p.ID, err)
			if len(ups) == 0 || moderation.Classify(err) == moderation.ClassCredentials {
				return nil, err
			}
			if w := moderation.RetryAfter(err); w > 0 {
				c.nextPoll = time.Now().Add(w)
			}
			c.log.Warn("comment poll cut short; the rest is read next cycle", "err", err)
			return ups, nil
		}
		keep = append(keep, p)
	}
	cur.Posts = keep
	if read == 0 && passed != nil {
		return nil, passed // no post could be read: the pipeline counts it
	}
	return ups, nil
}

// listing gathers the posts of a feed's pages, each once: a post listed
// again (pinned on every page) is kept where it first came, and a page
// that repeats its cursor or adds no new post ends the listing, which
// would otherwise run to recent_posts copies of the same posts.
type listing struct {
	posts []*postState
	ids   map[string]bool
}

// add appends p unless it has no id or is listed already.
func (l *listing) add(p *postState) bool {
	if p.ID == "" || l.ids[p.ID] {
		return false
	}
	if l.ids == nil {
		l.ids = map[string]bool{}
	}
	l.ids[p.ID] = true
	l.posts = append(l.posts, p)
	return true
}

// next is the cursor to read after a page read with prev that gave after
// and added posts; "" ends the listing.
func (l *listing) next(prev, after string, added int) string {
	if added == 0 || after == prev {
		return ""
	}
	return after
}

func cloneSeen(m map[uint32]seen) map[uint32]seen {
	out := make(map[uint32]seen, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// recentPosts lists the newest posts (media), newest first.
func (c *Connector) recentPosts(ctx context.Context) ([]*postState, error) {
	if c.network == Instagram {
		return c.igMedia(ctx)
	}
	return c.fbPosts(ctx)
}

// readPost reads a post's new comments, newest first, page after page
// until a known one (or pagesPerPost pages).
func (c *Connector) readPost(ctx context.Context, p *postState) ([]moderation.Update, error) {
	if c.network == Instagram {
		return c.igComments(ctx, p)
	}
	return c.fbComments(ctx, p)
}

// observe turns a read comment into an update: a new one always, a known
// one only when its text changed (an edit).
func (c *Connector) observe(p *postState, cm moderation.Comment, date int64) (moderation.Update, bool, bool) {
	v := cm.Version()
	s, known := p.known(localID(cm.Ref), date)
	if known && (s == seen{} || s.V == uint32(v)) {
		return moderation.Update{}, false, true // older than memory, or the same text
	}
	if known {
		cm.Edited = time.Now() // Graph gives no edit time for comments
	}
	p.see(localID(cm.Ref), v, date)
	return moderation.Update{Type: moderation.UpdateComment, Comment: cm}, true, known
}

// localID is the Graph id of a comment's Ref (the Ref is the id itself).
func localID(ref string) string { return ref }

// fieldsQuery is a query asking for fields.
func fieldsQuery(fields string) url.Values { return url.Values{"fields": {fields}} }

// context builds the card's context of a comment.
func (c *Connector) context(p *postState, parent string) *moderation.Context {
	if c.pageName == "" && p == nil && parent == "" {
		return nil
	}
	ctx := &moderation.Context{Page: c.pageName, Parent: moderation.CutContext(parent)}
	if p != nil {
		ctx.Post = moderation.CutContext(p.Text)
	}
	return ctx
}
