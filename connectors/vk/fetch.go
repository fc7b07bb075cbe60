package vk

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Fetch returns the next updates and the cursor that covers them. It works
// only from the cursor it is handed (nil on the first start): one a_check
// from its ts, blocking up to long_poll_wait, so everything fetched is
// returned, and a cursor handed back again (after a crash or a failed
// batch) reads the same events again.
//
// A catch-up over the wall and the boards runs first when the connector
// starts (see below), and when
// the long poll reports lost history (failed:3, or failed:1 moving ts
// ahead). Its batch keeps the long-poll ts, so the events since then follow.
//
// Transport errors are retried with back-off up to max_retries, then
// returned as *moderation.BackOffError. A broken community token gives
// moderation.ErrCredentials. A catch-up that fails for a reason other than
// a transient one, or transiently max_retries times in a row, does not
// stop reading: the cursor keeps the gap (see
// cursor.Gap) and the catch-up is tried again at the connector's back-off
// and after a restart, until it reads through. A broken user token is
// returned once by the next Fetch (so the pipeline alerts and holds the
// actions), later failures are logged.
func (c *Connector) Fetch(ctx context.Context, raw []byte) ([]moderation.Update, []byte, error) {
	ups, next, err := c.fetch(ctx, raw)
	if err != nil {
		return nil, nil, fmt.Errorf("vk: fetch: %w", err)
	}
	return ups, next, nil
}

func (c *Connector) fetch(ctx context.Context, raw []byte) ([]moderation.Update, []byte, error) {
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if c.isClosed() {
		return nil, nil, errClosed
	}
	c.keepFresh(ctx)
	if err := c.report; err != nil {
		c.report = nil
		return nil, nil, err
	}
	cur, err := decodeCursor(raw)
	if err != nil {
		// An unreadable cursor must not wedge the account: start from now
		// and catch up over the window.
		c.log.Warn("unreadable cursor; starting from now with a catch-up", "err", err)
		c.catchup = true
	}
	from := cur.Ts
	switch {
	case !c.started:
		c.started = true
		// Catch up at start: after a restart for what was missed; on the
		// first start for comments made since the epoch (strazh's first
		// start) but before the long poll was set up — catchUp leaves out
		// older ones unless backfill.
		if len(raw) > 0 || c.backfil || !c.epoch.IsZero() {
			c.catchup = true
		}
	case !bytes.Equal(raw, c.lastOut):
		// The pipeline went back to an older cursor: read again from there
		// as after a restart.
		c.catchup = true
		c.caught = nil
	}
	if time.Since(c.authors.loaded) >= c.cfg.ManagersRefresh {
		_ = c.refreshManagers(ctx, false) // logs and keeps the old list
	}
	if cur.Gap != nil && !c.catchup && !time.Now().Before(c.gapRetry) {
		c.catchup = true // an owed catch-up failed before: try it again
	}
	var ups []moderation.Update
	for {
		if c.catchup {
			// From here until a catch-up reads through, the cursor keeps
			// the positions of before (see cursor.Gap).
			cur.openGap()
			if cur.Ts == "" {
				// Take the long-poll position first, so that what comes
				// after the catch-up's reads is in the long poll.
				if err := c.refreshServer(ctx, false); err != nil {
					return nil, nil, err
				}
				cur.Ts = c.lp.ts
			}
			cu, err := c.catchUp(ctx, &cur)
			if err != nil {
				class := moderation.Classify(err)
				if class == moderation.ClassRetry {
					// Transient: the pipeline backs off and asks again. But
					// not for ever: one that goes on (a code VK does not
					// list, an outage of one method) would keep the long
					// poll from ever being read; after max_retries in a row
					// the gap waits like any other failure.
					c.gapTransient++
					if ctx.Err() != nil || c.gapTransient <= c.cfg.MaxRetries {
						return nil, nil, err
					}
				}
				// Read on; the gap stays in the cursor and the catch-up
				// is tried again at the back-off (and after a restart).
				c.gapFails++
				wait := c.cfg.RetryPolicy.Wait(c.gapFails, 0)
				c.gapRetry = time.Now().Add(wait)
				switch {
				case class == moderation.ClassCredentials && c.gapFails == 1:
					c.report = err // returned by the next Fetch
				default:
					c.log.Warn("catch-up failed; reading on, the gap is read later", "retry_in", wait, "failures", c.gapFails, "err", err)
				}
			} else {
				c.gapFails, c.gapTransient = 0, 0
			}
			c.catchup = false
			c.caught = make(map[string]uint64, len(cu))
			for i := range cu {
				c.caught[cu[i].Comment.ID] = cu[i].Comment.Version()
			}
			if len(cu) > 0 {
				ups = cu
				break
			}
		}
		ans, lost, err := c.poll(ctx, &cur)
		if err != nil {
			return nil, nil, err
		}
		if lost {
			c.catchup = true
			continue
		}
		ups = c.convert(ans.Updates, from, &cur)
		break
	}
	c.resolveNames(ctx, ups)
	c.fillContext(ctx, ups)
	c.lastOut = cur.encode()
	return ups, c.lastOut, nil
}
