package vk

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

const (
	pageSize       = 100 // wall.get, wall.getComments, board.getComments maximum
	threadItems    = 10  // thread_items_count maximum
	executeMaxCall = 25  // calls per execute
)

// catchUp reads what the long poll may have missed (§1.5): comments under
// the recent wall posts (read whole: new ones, replies under older ones,
// and edits found by the post's version hash), posts in recently updated
// board topics, photo comments back to the last catch-up, comments under
// the newest videos and market items after the highest id seen there, and
// new messages of the newest dialogs. Comments made before the epoch are
// left out unless backfill is on. Bounds and what is not covered are in
// README.md.
func (c *Connector) catchUp(ctx context.Context, cur *cursor) ([]moderation.Update, error) {
	start := time.Now()
	since := start.AddDate(0, 0, -c.cfg.CatchupDays)
	var ups []moderation.Update
	// Parts whose token is not configured are left out (README.md: the
	// community token alone): the long poll still delivers what it keeps.
	readable, userToken := c.api.has(c.read), c.api.has(user)
	if c.cfg.has(SourceWall) && c.cfg.CatchupPosts > 0 && readable {
		u, err := c.catchUpWall(ctx, cur, since)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u...)
	}
	if c.cfg.has(SourceBoard) && c.cfg.CatchupTopics > 0 && readable {
		u, err := c.catchUpBoard(ctx, cur, since)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u...)
	}
	if c.cfg.has(SourcePhoto) && c.cfg.CatchupPhotos > 0 && userToken {
		u, err := c.catchUpPhotos(ctx, cur, since)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u...)
	}
	for _, m := range []struct {
		src  string
		kind moderation.Kind
		n    int
	}{{SourceVideo, moderation.KindVideoComment, c.cfg.CatchupVideos}, {SourceMarket, moderation.KindMarketComment, c.cfg.CatchupMarket}} {
		if c.cfg.has(m.src) && m.n > 0 && userToken {
			u, err := c.catchUpMedia(ctx, cur, m.kind, m.n)
			if err != nil {
				return nil, err
			}
			ups = append(ups, u...)
		}
	}
	if c.cfg.has(SourceMessages) && c.cfg.CatchupDialogs > 0 {
		u, err := c.catchUpDialogs(ctx, cur, since)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u...)
	}
	cur.Caught = start.Unix()
	cur.Gap = nil // read through
	c.log.Info("caught up", "comments", len(ups), "took", time.Since(start).Round(time.Millisecond))
	return ups, nil
}

// keep reports whether a comment made at date is moderated.
func (c *Connector) keep(date int64) bool {
	return c.backfil || c.epoch.IsZero() || !time.Unix(date, 0).Before(c.epoch.Truncate(time.Second))
}

type wallPost struct {
	ID       int   `json:"id"`
	Date     int64 `json:"date"`
	IsPinned int   `json:"is_pinned"`
	Comments struct {
		Count int `json:"count"`
	} `json:"comments"`
}

// commentsReq is one wall.getComments call of the catch-up: a post's top
// level (thread 0) or one thread, from comment from (inclusive; 0: the
// start).
type commentsReq struct {
	post, thread, from int
}

type commentsPage struct {
	Items []vkComment `json:"items"`
}

// maxPostPages bounds the pages of one post's top level a catch-up reads
// whole (500 comments); past that it reads on only from the highest id
// seen, so a huge post costs no more than a few calls and its edits below
// that id are not compared.
const maxPostPages = 5

// postScan collects what the catch-up read of one post.
type postScan struct {
	start   int         // deliver ids above this (the position before)
	read    []vkComment // every live comment read, replies too, once each
	seen    map[int]bool
	pages   int
	partial bool    // more than maxPostPages: no version hash
	sum     postSum // over the top level and the replies a page carries
	old     uint64  // the same hash over ids up to the stored Max
}

// versionHash is one comment's part of a post's version hash: XOR of
// these is independent of the order comments are read in.
func versionHash(vc *vkComment) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(vc.ID))
	h.Write(b[:])
	cm := moderation.Comment{Text: vc.Text}
	cm.Links, cm.Attach = attachments(vc.Attachments)
	binary.LittleEndian.PutUint64(b[:], cm.Version())
	h.Write(b[:])
	return h.Sum64()
}

func (c *Connector) catchUpWall(ctx context.Context, cur *cursor, since time.Time) ([]moderation.Update, error) {
	var posts []wallPost
	for off := 0; len(posts) < c.cfg.CatchupPosts; {
		var r struct {
			Items []wallPost `json:"items"`
		}
		count := min(pageSize, c.cfg.CatchupPosts-len(posts))
		p := api.Params{"owner_id": -c.cfg.GroupID, "count": count, "offset": off, "filter": "all"}
		if err := c.api.call(ctx, c.read, "wall.get", p, &r); err != nil {
			return nil, fmt.Errorf("catch-up: %w", err)
		}
		old := false
		for _, po := range r.Items {
			if time.Unix(po.Date, 0).Before(since) {
				old = old || po.IsPinned == 0 // a pinned post may be old and come first
				continue
			}
			posts = append(posts, po)
		}
		off += len(r.Items)
		if old || len(r.Items) < count {
			break
		}
	}
	inWindow := map[int]bool{}
	scans := map[int]*postScan{}
	threads := map[int]int{}
	var reqs []commentsReq
	for _, po := range posts {
		inWindow[po.ID] = true
		if po.Comments.Count > 0 {
			// Read whole, to compare versions (see cursor.Sums).
			scans[po.ID] = &postScan{start: cur.postStart(po.ID), seen: map[int]bool{}}
			reqs = append(reqs, commentsReq{post: po.ID})
		}
	}
	for len(reqs) > 0 {
		n := min(len(reqs), executeMaxCall)
		batch := reqs[:n]
		reqs = reqs[n:]
		pages, errs := c.getComments(ctx, batch)
		for i, rq := range batch {
			sc := scans[rq.post]
			if errs[i] != nil {
				if moderation.Classify(errs[i]) == moderation.ClassItem && rq.thread != 0 {
					// One thread VK will not give (its comment deleted since
					// the post's page) must not drop what was read of the
					// post; its count is not kept, so the next catch-up reads
					// it again. Thread replies are not in the version hash.
					if sc != nil {
						c.log.Warn("catch-up: thread skipped", "post_id", rq.post, "comment_id", rq.thread, "err", errs[i])
						delete(threads, rq.thread)
					}
					continue
				}
				if moderation.Classify(errs[i]) == moderation.ClassItem {
					c.log.Warn("catch-up: post skipped", "post_id", rq.post, "err", errs[i])
					delete(scans, rq.post)
					continue
				}
				return nil, fmt.Errorf("catch-up post %d: %w", rq.post, errs[i])
			}
			if sc == nil {
				continue // skipped on an earlier page
			}
			items := pages[i].Items
			if rq.thread == 0 {
				sc.pages++
			}
			stored, hasSum := cur.Sums[rq.post]
			last := rq.from
			for _, vc := range items {
				last = max(last, vc.ID)
				if rq.thread == 0 && !vc.Deleted && !sc.seen[vc.ID] {
					sc.hash(&vc, stored.Max, hasSum)
				}
				sc.add(vc)
				if rq.thread != 0 || vc.Thread == nil {
					continue
				}
				tlast := vc.ID
				for _, r := range vc.Thread.Items {
					if !r.Deleted && !sc.seen[r.ID] {
						sc.hash(&r, stored.Max, hasSum)
					}
					sc.add(r)
					tlast = max(tlast, r.ID)
				}
				if vc.Thread.Count > len(vc.Thread.Items) {
					threads[vc.ID] = vc.Thread.Count
					// A long thread is read again only when its count
					// changed: edits past the replies a page carries are
					// not seen.
					if n, ok := cur.Threads[vc.ID]; !ok || n != vc.Thread.Count {
						reqs = append(reqs, commentsReq{post: rq.post, thread: vc.ID, from: max(tlast, sc.start)})
					}
				}
			}
			if len(items) == pageSize && last > rq.from {
				from := last
				if rq.thread == 0 && sc.pages >= maxPostPages {
					sc.partial = true
					from = max(last, sc.start)
				}
				reqs = append(reqs, commentsReq{post: rq.post, thread: rq.thread, from: from})
			}
		}
	}
	var ups []moderation.Update
	sums := map[int]postSum{}
	for post, sc := range scans {
		stored, hasSum := cur.Sums[post]
		edited := hasSum && !sc.partial && sc.old != stored.Sum
		if edited {
			c.log.Info("catch-up: comments changed under a post while strazh was away; reading them again", "post_id", post)
		}
		for i := range sc.read {
			vc := &sc.read[i]
			if vc.ID > sc.start || edited {
				ups = c.appendWall(ups, cur, post, vc)
			}
		}
		if !sc.partial {
			sums[post] = sc.sum
		}
	}
	for post, s := range cur.Sums {
		if _, ok := scans[post]; !ok && inWindow[post] {
			sums[post] = s // skipped this time: keep
		}
	}
	cur.Sums, cur.Threads = sums, threads
	for p := range cur.Posts {
		if !inWindow[p] {
			delete(cur.Posts, p)
		}
	}
	return ups, nil
}

// hash adds a comment to the post's version hashes.
func (sc *postScan) hash(vc *vkComment, storedMax int, hasSum bool) {
	h := versionHash(vc)
	sc.sum.Sum ^= h
	sc.sum.Max = max(sc.sum.Max, vc.ID)
	if hasSum && vc.ID <= storedMax {
		sc.old ^= h
	}
}

// add keeps a live comment once (a page from start_comment_id repeats it).
func (sc *postScan) add(vc vkComment) {
	if vc.Deleted || sc.seen[vc.ID] {
		return
	}
	sc.seen[vc.ID] = true
	vc.Thread = nil
	sc.read = append(sc.read, vc)
}

func (c *Connector) appendWall(ups []moderation.Update, cur *cursor, post int, vc *vkComment) []moderation.Update {
	see(&cur.Posts, post, vc.ID)
	if !c.keep(vc.Date) {
		return ups
	}
	if vc.PostID == 0 {
		vc.PostID = post
	}
	cm := c.comment(moderation.KindWallComment, vc, 0)
	return append(ups, moderation.Update{Type: moderation.UpdateComment, Comment: cm})
}

func (c *Connector) commentsParams(rq commentsReq) api.Params {
	p := api.Params{"owner_id": -c.cfg.GroupID, "post_id": rq.post, "count": pageSize,
		"sort": "asc", "preview_length": 0}
	if rq.from > 0 {
		// start_comment_id is inclusive; the caller keeps each id once.
		// unverified: VK's answer when that comment is gone.
		p["start_comment_id"] = rq.from
	}
	if rq.thread != 0 {
		p["comment_id"] = rq.thread
	} else {
		p["thread_items_count"] = threadItems
	}
	return p
}

// getComments runs a batch of wall.getComments calls (see batch).
func (c *Connector) getComments(ctx context.Context, reqs []commentsReq) ([]commentsPage, []error) {
	params := make([]api.Params, len(reqs))
	for i, rq := range reqs {
		params[i] = c.commentsParams(rq)
	}
	return c.batch(ctx, c.read, "wall.getComments", params)
}

// batch runs up to executeMaxCall calls of one comments method: with the
// user token in one execute (25 calls for one request of the 3/s budget),
// otherwise, or when execute fails, one by one.
func (c *Connector) batch(ctx context.Context, k tokenKind, method string, params []api.Params) ([]commentsPage, []error) {
	pages := make([]commentsPage, len(params))
	errs := make([]error, len(params))
	done := make([]bool, len(params))
	if k == user && len(params) > 1 && !c.noExecute {
		// unverified: that VKScript takes JSON-style quoted keys in its
		// object literals; if VK refuses the script, execute is switched
		// off for this connector and the calls are made one by one.
		var code strings.Builder
		code.WriteString("return [")
		for i, p := range params {
			if i > 0 {
				code.WriteByte(',')
			}
			args, _ := json.Marshal(p)
			code.WriteString("API." + method + "(")
			code.Write(args)
			code.WriteByte(')')
		}
		code.WriteString("];")
		var out []json.RawMessage
		err := c.api.execute(ctx, user, code.String(), &out)
		var ee *api.ExecuteErrors
		switch {
		case err == nil || errors.As(err, &ee):
			for i := range params {
				if i < len(out) && !executeSlotFailed(out[i]) && json.Unmarshal(out[i], &pages[i]) == nil {
					done[i] = true
				}
			}
		case apiCode(err) != 0 && moderation.Classify(err) != moderation.ClassCredentials &&
			moderation.RetryAfter(err) == 0:
			c.log.Warn("execute refused; reading comments one call at a time", "err", err)
			c.noExecute = true
		default:
			for i := range errs {
				errs[i] = err
			}
			return pages, errs
		}
	}
	for i, p := range params {
		if !done[i] {
			errs[i] = c.api.call(ctx, k, method, p, &pages[i])
		}
	}
	return pages, errs
}

type boardTopic struct {
	ID      int   `json:"id"`
	Updated int64 `json:"updated"`
}

func (c *Connector) catchUpBoard(ctx context.Context, cur *cursor, since time.Time) ([]moderation.Update, error) {
	var r struct {
		Items []boardTopic `json:"items"`
	}
	// order=1: by last update, newest first (unverified: VK's order codes).
	p := api.Params{"group_id": c.cfg.GroupID, "order": 1, "count": c.cfg.CatchupTopics, "preview": 0}
	if err := c.api.call(ctx, c.read, "board.getTopics", p, &r); err != nil {
		return nil, fmt.Errorf("catch-up board: %w", err)
	}
	after := since.Unix()
	if caught := cur.caughtAt(); caught > after {
		after = caught - 60 // a minute of overlap against clock skew
	}
	listed := map[int]bool{}
	var ups []moderation.Update
	for _, t := range r.Items {
		listed[t.ID] = true
		if t.Updated < after {
			continue
		}
		start := cur.topicStart(t.ID)
		for {
			var pg commentsPage
			p := api.Params{"group_id": c.cfg.GroupID, "topic_id": t.ID, "count": pageSize, "sort": "asc"}
			if start > 0 {
				p["start_comment_id"] = start
			}
			if err := c.api.call(ctx, c.read, "board.getComments", p, &pg); err != nil {
				if moderation.Classify(err) == moderation.ClassItem {
					c.log.Warn("catch-up: topic skipped", "topic_id", t.ID, "err", err)
					break
				}
				return nil, fmt.Errorf("catch-up topic %d: %w", t.ID, err)
			}
			for _, vc := range pg.Items {
				if vc.ID <= start {
					continue
				}
				see(&cur.Topics, t.ID, vc.ID)
				if c.keep(vc.Date) {
					cm := c.comment(moderation.KindBoardPost, &vc, t.ID)
					ups = append(ups, moderation.Update{Type: moderation.UpdateComment, Comment: cm})
				}
			}
			if len(pg.Items) < pageSize || pg.Items[len(pg.Items)-1].ID <= start {
				break
			}
			start = pg.Items[len(pg.Items)-1].ID
		}
	}
	for t := range cur.Topics {
		if !listed[t] {
			delete(cur.Topics, t)
		}
	}
	return ups, nil
}
