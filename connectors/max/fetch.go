package max

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/moderation"
)

// Reading bounds.
const (
	seedPosts    = 100              // posts listed at start (GET /messages' maximum)
	pagesPerPost = 5                // pages of comments read per post and cycle
	maxLongPoll  = 25 * time.Second // proxies cut at ~30s
	maxVersions  = 50000            // comment versions kept to notice edits
)

// updateTypes are the /updates asked for. comment_* are unverified (§6.5):
// if MAX refuses them, the connector asks without them from then on.
var (
	updateTypes       = []string{maxapi.UpdateMessageCreated, maxapi.UpdateCommentCreated, maxapi.UpdateCommentEdited}
	updateTypesNoPush = []string{maxapi.UpdateMessageCreated}
)

// Fetch returns the next updates and the cursor that covers them. It
// waits until the comments are due (every poll_interval; see read),
// long-polling /updates meanwhile to learn new posts, then reads the
// comments of the recent posts, newest posts first. A ban returns it early
// with nothing, so the cursor carrying the blacklist is saved.
//
// It works from the cursor it is handed, so a cursor handed back after a
// crash reads the same comments again. A broken token gives
// moderation.ErrCredentials, rate limits and outages *moderation.BackOffError.
func (c *Connector) Fetch(ctx context.Context, raw []byte) ([]moderation.Update, []byte, error) {
	ups, next, err := c.fetch(ctx, raw)
	if err != nil {
		return nil, nil, fmt.Errorf("max: fetch: %w", err)
	}
	return ups, next, nil
}

func (c *Connector) fetch(ctx context.Context, raw []byte) ([]moderation.Update, []byte, error) {
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if c.isClosed() {
		return nil, nil, errClosed
	}
	cur, err := decodeCursor(raw)
	if err != nil {
		// An unreadable cursor must not wedge the account: start afresh.
		c.log.Warn("unreadable cursor; starting from the channel's recent posts", "err", err)
	}
	if !c.started {
		// Seeded again until a Fetch succeeds: the posts learned live
		// only in the cursor the pipeline saves.
		if err := c.seed(ctx, &cur); err != nil {
			return nil, nil, err
		}
	}
	if c.adminsDue() {
		if err := c.refreshAdmins(ctx); err != nil {
			c.log.Warn("cannot reload the channel's admins; keeping the old list", "err", err)
		}
	}
	ups, err := c.read(ctx, &cur)
	if err != nil {
		return nil, nil, err
	}
	c.started = true
	return ups, cur.encode(), nil
}

// read waits for the comments to be due, long-polling /updates meanwhile
// (new posts; pushed comments and a changed blacklist end the wait early),
// then reads them. The pipeline paces a Poller itself (PollInterval from
// the start of a Fetch that returned nothing, ±10%), so a poll due within
// a fifth of the interval is read at once: waiting for it would add a
// whole interval.
func (c *Connector) read(ctx context.Context, cur *cursor) ([]moderation.Update, error) {
	for {
		wait := time.Until(c.nextPoll)
		if wait <= c.cfg.PollInterval/5 {
			break
		}
		ups, woke, err := c.waitUpdates(ctx, cur, wait)
		if err != nil || woke || len(ups) > 0 {
			return ups, err
		}
	}
	ups, err := c.updates(ctx, cur, 0)
	if refused(ctx, err) {
		// Updates only tell of new posts (and of pushed comments): the
		// comments are polled all the same.
		c.log.Warn("MAX refuses /updates; the comments are polled, new posts are learned from the channel's list", "err", err)
		ups, err = nil, c.seed(ctx, cur)
	}
	if err != nil {
		return nil, err
	}
	polled, err := c.pollComments(ctx, cur)
	return append(ups, polled...), err
}

// refused reports whether err is MAX refusing /updates for good (400, 405;
// not an outage, a rate limit or a broken token).
func refused(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() == nil && moderation.Classify(err) == moderation.ClassItem
}

// seed learns the channel's recent posts at start (those made while strazh
// was down included) and takes the /updates position if there is none.
func (c *Connector) seed(ctx context.Context, cur *cursor) error {
	posts, err := c.api.ChatMessages(ctx, c.cfg.ChannelID, min(seedPosts, c.cfg.RecentPosts))
	if err != nil {
		return fmt.Errorf("recent posts: %w", maxapi.Classed(err))
	}
	for i := range posts {
		c.learnPost(cur, &posts[i])
	}
	return nil
}

func (c *Connector) learnPost(cur *cursor, m *maxapi.Message) {
	if m.Recipient.ChatID != c.cfg.ChannelID || m.Body.Mid == "" {
		return
	}
	cur.addPost(postPos{Mid: m.Body.Mid, Time: m.Timestamp, URL: m.URL}, c.cfg.RecentPosts)
}

// waitUpdates long-polls /updates for at most wait (whole seconds; a
// shorter wait is slept), returning early when a ban changes.
func (c *Connector) waitUpdates(ctx context.Context, cur *cursor, wait time.Duration) ([]moderation.Update, bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	woke := make(chan struct{})
	go func() { // owned: ends when ctx is cancelled on return
		select {
		case <-c.wake:
			close(woke)
			cancel()
		case <-c.life.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	secs := min(wait, maxLongPoll).Truncate(time.Second)
	if secs < time.Second {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		return c.endWait(ctx, woke, nil, nil)
	}
	ups, err := c.updates(ctx, cur, secs)
	if refused(ctx, err) {
		// No long poll to wait on: the wait is slept (see read).
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		ups, err = nil, nil
	}
	return c.endWait(ctx, woke, ups, err)
}

// endWait sorts out why a wait ended: a ban (return what there is), the
// connector closed, the caller's context, or the answer itself.
func (c *Connector) endWait(ctx context.Context, woke chan struct{}, ups []moderation.Update, err error) ([]moderation.Update, bool, error) {
	select {
	case <-woke:
		return ups, true, nil
	default:
	}
	if c.isClosed() {
		return nil, false, errClosed
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil, false, err
	}
	return ups, false, err
}

// updates reads /updates from the cursor's marker: new posts are learned,
// pushed comments delivered. The marker moves in the cursor, which the
// pipeline saves after deciding what is returned (at least once).
func (c *Connector) updates(ctx context.Context, cur *cursor, wait time.Duration) ([]moderation.Update, error) {
	types := updateTypes
	if c.noPush {
		types = updateTypesNoPush
	}
	list, marker, err := c.api.Updates(ctx, maxapi.UpdatesRequest{Marker: cur.Marker, Limit: 1000, Timeout: wait, Types: types})
	var ae *maxapi.Error
	if cur.Marker != nil && errors.As(err, &ae) && ae.Status == 400 {
		// The marker may be past MAX's retention (unverified, §6.2): asked
		// without it, MAX gives the latest updates. The posts made since
		// are listed again, so none is missed.
		l, m, err2 := c.api.Updates(ctx, maxapi.UpdatesRequest{Limit: 1000, Timeout: wait, Types: types})
		if err2 == nil {
			c.log.Warn("MAX refused the saved /updates marker; reading from the latest updates", "err", err)
			cur.Marker = nil
			if err := c.seed(ctx, cur); err != nil {
				c.log.Warn("cannot list the channel's posts again", "err", err)
			}
			list, marker, err = l, m, nil
		}
	}
	if !c.noPush && errors.As(err, &ae) && ae.Status == 400 {
		c.noPush = true
		c.log.Info("MAX refused the comment update types; reading comments by polling only", "err", err)
		list, marker, err = c.api.Updates(ctx, maxapi.UpdatesRequest{Marker: cur.Marker, Limit: 1000, Timeout: wait, Types: updateTypesNoPush})
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("updates: %w", maxapi.Classed(err))
	}
	cur.Marker = &marker
	var ups []moderation.Update
	for i := range list {
		u := &list[i]
		if u.Message == nil {
			continue
		}
		switch u.Type {
		case maxapi.UpdateMessageCreated:
			c.learnPost(cur, u.Message)
		case maxapi.UpdateCommentCreated, maxapi.UpdateCommentEdited:
			// Push of comments (unverified shape, §6.5): the comment's
			// post is in recipient.post_id.
			if p := c.postOf(cur, u.Message.Recipient.PostID); p != nil && u.Message.Recipient.ChatID == c.cfg.ChannelID {
				mode := seenNew
				if u.Type == maxapi.UpdateCommentEdited {
					mode = seenEdited
				}
				if up, ok := c.observe(ctx, p, u.Message, mode); ok {
					ups = append(ups, up)
				}
			}
		}
	}
	return ups, nil
}

func (c *Connector) postOf(cur *cursor, mid string) *postPos {
	for i := range cur.Posts {
		if cur.Posts[i].Mid == mid {
			return &cur.Posts[i]
		}
	}
	return nil
}

// pollComments reads the comments of the recent posts, newest posts first.
// A post MAX no longer has is dropped. A rate limit or an outage ends the
// cycle: what was read is returned, the rest is read at the next one; with
// nothing read the error is returned for the pipeline's back-off.
func (c *Connector) pollComments(ctx context.Context, cur *cursor) ([]moderation.Update, error) {
	c.nextPoll = time.Now().Add(c.cfg.PollInterval)
	var ups []moderation.Update
	var passed error // the last post passed over
	read := 0        // posts read
	keep := cur.Posts[:0]
	for i := range cur.Posts {
		p := cur.Posts[i]
		got, err := c.pollPost(ctx, &p)
		switch {
		case err == nil:
			read++
			ups = append(ups, got...)
		case maxapi.IsNotFound(err):
			c.log.Info("post gone; no longer read", "post_id", p.Mid)
			continue
		case maxapi.IsUnreadable(err) || moderation.Classify(maxapi.Classed(err)) == moderation.ClassItem:
			// Refused for good (400, 405: comments off under it, no post)
			// or answered in a shape that cannot be read: passed over,
			// kept as it was to be asked again next cycle. Ending the
			// cycle here would leave every older post unread.
			c.log.Warn("comments of a post refused or unreadable; the other posts are read", "post_id", p.Mid, "err", err)
			c.skipped.Add(1)
			passed = fmt.Errorf("comments of post %s: %w", p.Mid, maxapi.Classed(err))
		default:
			keep = append(keep, cur.Posts[i:]...)
			cur.Posts = keep
			ups = append(ups, got...)
			err = fmt.Errorf("comments of post %s: %w", p.Mid, maxapi.Classed(err))
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

// pollPost reads a post's new comments, newest first, page after page
// until a known one. A burst larger than a cycle reads (pagesPerPost
// pages) is read on from where the cycle stopped in the next cycles
// (postPos.Back), down to where the post was before it. It moves p only
// when the pages were read, so an error leaves the post to read again.
func (c *Connector) pollPost(ctx context.Context, p *postPos) ([]moderation.Update, error) {
	var ups []moderation.Update
	next := *p
	read := make(map[string]bool)
	stop, atStop, err := c.pages(ctx, p.Mid, 0, read, func(m *maxapi.Message) bool {
		if p.known(m.Timestamp, m.Body.Mid) {
			if up, ok := c.observe(ctx, &next, m, seenKnown); ok { // an edit shows as new text
				ups = append(ups, up)
			}
			return true
		}
		if up, ok := c.observe(ctx, &next, m, seenNew); ok {
			ups = append(ups, up)
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	switch {
	case stop > 0:
		// The floor is where the post was before this burst, or before an
		// earlier one not read through yet (the part between is read
		// again; the pipeline drops what it decided).
		floor := backlog{After: p.After, AtMid: p.AtMid}
		if p.Back != nil {
			floor = *p.Back
		}
		floor.Before, floor.Read = stop, atStop
		next.Back = &floor
		c.log.Warn("more new comments under a post than a cycle reads; the older ones are read in the next cycles", "post_id", p.Mid, "read", len(ups))
	case p.Back != nil:
		b := *p.Back
		stop, atStop, err := c.pages(ctx, p.Mid, b.Before, read, func(m *maxapi.Message) bool {
			if b.known(m.Timestamp, m.Body.Mid) {
				return true
			}
			if slices.Contains(b.Read, m.Body.Mid) {
				return false // delivered at the end of the last cycle's pages
			}
			if up, ok := c.observe(ctx, &next, m, seenNew); ok {
				ups = append(ups, up)
			}
			return false
		})
		if err != nil {
			return nil, err
		}
		next.Back = nil
		if stop > 0 {
			b.Before, b.Read = stop, atStop
			next.Back = &b
		}
	}
	*p = next
	return ups, nil
}

// pages reads a post's comments newest first from before (0: the newest),
// at most pagesPerPost pages, handing each comment not read in this cycle
// to each until each returns true for one (the rest of that page is still
// handed). It returns 0 when that happened or the oldest comment was
// read; else the before of the next page to read, and the comments of
// its millisecond already handed (the next page asks for it again).
func (c *Connector) pages(ctx context.Context, post string, before int64, read map[string]bool, each func(*maxapi.Message) bool) (int64, []string, error) {
	var at []string
	for range pagesPerPost {
		list, err := c.api.Comments(ctx, maxapi.CommentsRequest{PostID: post, Count: maxapi.MaxComments, Before: before})
		if err != nil {
			return 0, nil, err
		}
		reached := false
		for i := range list {
			m := &list[i]
			if read[m.Body.Mid] {
				continue // the page before ended in this millisecond
			}
			read[m.Body.Mid] = true
			if each(m) {
				reached = true
			}
		}
		if reached || len(list) < maxapi.MaxComments {
			return 0, nil, nil
		}
		// Comments share milliseconds: ask from the oldest one's
		// millisecond inclusive; those seen already are dropped by version.
		oldest := list[len(list)-1].Timestamp
		if oldest+1 == before {
			return 0, nil, nil // a whole page in one millisecond: no way further back
		}
		before = oldest + 1
		at = at[:0]
		for i := len(list) - 1; i >= 0 && list[i].Timestamp == oldest; i-- {
			at = append(at, list[i].Body.Mid)
		}
	}
	return before, at, nil
}

// restartEditWindow is how old a comment read before a restart may be for
// the first cycle after it to hand it to the pipeline again, to notice an
// edit made while strazh was down (MAX gives no edit time). It stays
// inside the shortest retention (a day) and the pipeline's history window
// (30 days), in which a redelivered unchanged version is never decided
// twice.
const restartEditWindow = 24 * time.Hour

// How a comment was seen.
type seenAs int

const (
	seenNew    seenAs = iota // newer than the post's position, or pushed
	seenKnown                // at or before the position: delivered before
	seenEdited               // pushed as an edit
)

// observe turns a comment into an update. A comment newer than the post's
// position is always delivered (the pipeline drops a version it decided:
// a cursor handed back after a failed batch must read the comments
// again); a known one only if its text changed since this process saw it
// (an edit).
func (c *Connector) observe(ctx context.Context, p *postPos, m *maxapi.Message, how seenAs) (moderation.Update, bool) {
	cm := c.comment(p, m)
	v := cm.Version()
	old, seen := c.versions[m.Body.Mid]
	kept := len(c.versions) < maxVersions || seen
	if kept {
		c.versions[m.Body.Mid] = v
	}
	p.see(m.Timestamp, m.Body.Mid)
	edited := seen && old != v
	// A known comment this process never saw was read before a restart:
	// deliver it once, and the pipeline, which remembers every version it
	// decided in its history window, re-decides it only if it was edited
	// while strazh was down. Older ones may have left that window; and
	// with the version map full it would come again every cycle.
	unseenRecent := !seen && kept && time.Since(cm.Created) < restartEditWindow
	if how == seenKnown && !edited && !unseenRecent {
		return moderation.Update{}, false
	}
	if edited || how == seenEdited {
		cm.Edited = time.Now() // MAX gives no edit time
	}
	return moderation.Update{Type: moderation.UpdateComment, Comment: cm}, true
}

// comment converts a MAX comment.
func (c *Connector) comment(p *postPos, m *maxapi.Message) moderation.Comment {
	cm := moderation.Comment{
		Network: Network, Account: c.account, Kind: KindChannelComment,
		ID:     moderation.MakeID(Network, c.account, m.Body.Mid),
		Ref:    makeRef(p.Mid, m.Body.Mid),
		PostID: p.Mid, Permalink: p.URL,
		Author: c.author(m), Text: m.Body.Text, Created: maxapi.CommentTime(m),
	}
	for _, a := range m.Body.Attachments {
		cm.Attach = append(cm.Attach, a.Type)
	}
	return cm
}

// makeRef is the Ref of a comment: "comment:<post mid>:<comment mid>".
func makeRef(post, comment string) string { return "comment:" + post + ":" + comment }

// adminsDue reports whether the list of admins is to be reloaded.
func (c *Connector) adminsDue() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Since(c.adminsAt) >= adminsRefresh
}
