package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// The Bots Long Poll client (§1.3) is written here on net/http rather than
// with vksdk's longpoll-bot package: its Run ends on any error with no way
// to resume at a known ts, its constructor does I/O, a handler's decode
// error kills the loop, and its TsFromContext panics in v2.17.0 (§1.9).
// Here Fetch makes one a_check at a time from the ts in the pipeline's
// cursor, so events fetched are always returned with a cursor that covers
// exactly them, and a crash re-delivers instead of losing.

// lpServer is where the long poll is read.
type lpServer struct {
	server string // used verbatim, as VK returns it (its form is unverified)
	key    string
	ts     string // VK's current ts when the key was taken
	ready  bool   // setLongPollSettings done
}

// events switched on for each source; user_block and user_unblock always.
// *_delete events close the pending review of a comment a human deleted
// in VK (see deleted in events.go).
var sourceEvents = map[string][]string{
	SourceWall:     {"wall_reply_new", "wall_reply_edit", "wall_reply_restore", "wall_reply_delete"},
	SourcePhoto:    {"photo_comment_new", "photo_comment_edit", "photo_comment_restore", "photo_comment_delete"},
	SourceVideo:    {"video_comment_new", "video_comment_edit", "video_comment_restore", "video_comment_delete"},
	SourceMarket:   {"market_comment_new", "market_comment_edit", "market_comment_restore", "market_comment_delete"},
	SourceBoard:    {"board_post_new", "board_post_edit", "board_post_restore", "board_post_delete"},
	SourceMessages: {"message_new", "message_edit", "message_reply"},
}

// refreshServer takes a new long-poll key (and server and current ts),
// first switching the long poll and our events on when settings is set or
// that was not done yet. Other event types are left as they are: another
// tool may use them.
func (c *Connector) refreshServer(ctx context.Context, settings bool) error {
	gid := c.cfg.GroupID
	if settings || !c.lp.ready {
		p := api.Params{"group_id": gid, "enabled": 1, "api_version": apiVersion,
			"user_block": 1, "user_unblock": 1}
		for _, ev := range guardEvents {
			p[ev] = 1
		}
		for _, src := range c.cfg.Sources {
			for _, ev := range sourceEvents[src] {
				p[ev] = 1
			}
		}
		err := c.api.call(ctx, community, "groups.setLongPollSettings", p, nil)
		if apiCode(err) == 100 && p[unverifiedGuardEvent] != nil {
			// VK refused a parameter: the only one platform-apis does not
			// list is the guard's settings event. Moderation must not wait
			// on it; the guard's hourly check still sees setting changes.
			c.log.Warn("VK refused the group_change_settings long-poll event; settings are checked hourly", "err", err)
			delete(p, unverifiedGuardEvent)
			err = c.api.call(ctx, community, "groups.setLongPollSettings", p, nil)
		}
		if err != nil {
			return fmt.Errorf("enable long poll: %w", err)
		}
		c.lp.ready = true
	}
	var r struct {
		Key    string          `json:"key"`
		Server string          `json:"server"`
		Ts     json.RawMessage `json:"ts"`
	}
	if err := c.api.call(ctx, community, "groups.getLongPollServer", api.Params{"group_id": gid}, &r); err != nil {
		return fmt.Errorf("get long poll server: %w", err)
	}
	c.lp.server, c.lp.key, c.lp.ts = r.Server, r.Key, rawTs(r.Ts)
	return nil
}

// rawTs reads a ts that VK sends as a string or, with failed:1, a number.
func rawTs(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// lpEvent is one long-poll update.
type lpEvent struct {
	Type    string          `json:"type"`
	EventID string          `json:"event_id"`
	GroupID int             `json:"group_id"`
	Object  json.RawMessage `json:"object"`
}

// lpAnswer is one a_check answer.
type lpAnswer struct {
	Ts      string
	Failed  int
	Updates []lpEvent
}

// check makes one a_check from ts.
func (c *Connector) check(ctx context.Context, ts string) (lpAnswer, error) {
	wait := int(c.cfg.LongPollWait / time.Second)
	u := c.lp.server + "?" + url.Values{"act": {"a_check"}, "key": {c.lp.key}, "ts": {ts},
		"wait": {strconv.Itoa(wait)}}.Encode()
	ctx, cancel := context.WithTimeout(ctx, c.cfg.LongPollWait+c.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return lpAnswer{}, fmt.Errorf("long poll: %w", err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// net/http quotes the whole URL, and its key lets anyone read
			// the community's events: name the server only.
			err = fmt.Errorf("%s %s: %w", ue.Op, c.lp.server, ue.Err)
		}
		return lpAnswer{}, classify("long poll", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return lpAnswer{}, &moderation.BackOffError{Err: fmt.Errorf("long poll: HTTP %s", resp.Status)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return lpAnswer{}, classify("long poll", err) // cut off on the way: a transport error
	}
	return parseAnswer(body)
}

// maxAnswer bounds one a_check answer (VK caps an answer at 1000 events).
const maxAnswer = 64 << 20

// errMalformed marks an a_check answer that is not one of the shapes of
// §1.3: not JSON, a normal answer without ts or updates, failed:1 without
// ts, an unknown failed code.
var errMalformed = errors.New("malformed answer")

// parseAnswer reads one a_check answer, checking the fields its shape needs.
func parseAnswer(body []byte) (lpAnswer, error) {
	bad := func(what string) (lpAnswer, error) {
		return lpAnswer{}, fmt.Errorf("long poll: %w: %s, starting %s", errMalformed, what, excerpt(body))
	}
	if len(body) > maxAnswer {
		return bad("larger than " + strconv.Itoa(maxAnswer>>20) + " MB")
	}
	var raw struct {
		Ts      json.RawMessage `json:"ts"`
		Failed  int             `json:"failed"`
		Updates *[]lpEvent      `json:"updates"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return bad("not the JSON object expected (" + err.Error() + ")")
	}
	a := lpAnswer{Ts: rawTs(raw.Ts), Failed: raw.Failed}
	switch raw.Failed {
	case 0:
		if a.Ts == "" {
			return bad("no ts")
		}
		if raw.Updates == nil {
			return bad("no updates")
		}
		a.Updates = *raw.Updates
	case 1:
		if a.Ts == "" {
			return bad("failed:1 without ts")
		}
	case 2, 3:
	default:
		return bad("unknown failed:" + strconv.Itoa(raw.Failed))
	}
	return a, nil
}

// excerpt quotes the start of an answer for an error message: short, and
// with anything unprintable escaped.
func excerpt(b []byte) string {
	const n = 48
	if len(b) > n {
		return strconv.QuoteToGraphic(string(b[:n])) + "..."
	}
	return strconv.QuoteToGraphic(string(b))
}

// tsAfter reports whether ts a is later than b (numerically when both are
// numbers; VK's ts has always been numeric, but that is unverified).
func tsAfter(a, b string) bool {
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return a != b
	}
	return x > y
}

// poll reads the long poll from cur.Ts until it gets a normal answer (with
// events, or none after the wait), handling failed 1/2/3 as §1.3 says and
// retrying transport errors with back-off. lost is set when events may
// have been missed (failed:3, or failed:1 moving ts forward): the caller
// runs a catch-up; cur.Ts is then already the new position.
func (c *Connector) poll(ctx context.Context, cur *cursor) (ans lpAnswer, lost bool, err error) {
	attempt := 0
	retry := func(err error) error {
		attempt++
		if attempt > c.cfg.MaxRetries {
			return &moderation.BackOffError{Err: err, Wait: c.cfg.RetryPolicy.Wait(attempt, 0)}
		}
		c.log.Debug("long poll retry", "attempt", attempt, "err", err)
		return c.sleep(ctx, c.cfg.RetryPolicy.Wait(attempt, 0))
	}
	for {
		if c.isClosed() {
			return ans, false, errClosed
		}
		if c.lp.key == "" {
			if err := c.refreshServer(ctx, false); err != nil {
				if moderation.Classify(err) != moderation.ClassRetry || ctx.Err() != nil {
					return ans, false, err
				}
				if err := retry(err); err != nil {
					return ans, false, err
				}
				continue
			}
		}
		if cur.Ts == "" {
			cur.Ts = c.lp.ts
		}
		a, err := c.check(ctx, cur.Ts)
		if errors.Is(err, errMalformed) {
			// Not retried here: each malformed answer goes to the pipeline
			// as an error (counted, alerted on) and waits out its back-off
			// there; the connector's hint grows with the run of them.
			c.malformed++
			if c.malformed > 1 {
				c.lp.key = "" // take a fresh key and server
			}
			return ans, false, &moderation.BackOffError{Err: err, Wait: c.cfg.RetryPolicy.Wait(c.malformed, 0)}
		}
		if err != nil {
			if ctx.Err() != nil {
				return ans, false, ctx.Err()
			}
			if attempt >= 1 {
				c.lp.key = "" // after a second failure take a fresh key and server
			}
			if err := retry(err); err != nil {
				return ans, false, err
			}
			continue
		}
		c.malformed = 0
		switch a.Failed {
		case 0:
			cur.Ts = a.Ts
			return a, false, nil
		case 1:
			// History partly lost or outdated: go on from the ts VK gives.
			// If it is behind ours, recent events come again (deduplicated
			// on event_id); if ahead, some were skipped: catch up.
			c.log.Info("long poll failed:1, history outdated", "ts", cur.Ts, "new_ts", a.Ts)
			skipped := tsAfter(a.Ts, cur.Ts)
			if a.Ts != "" {
				cur.Ts = a.Ts
			}
			if skipped {
				return lpAnswer{Ts: cur.Ts}, true, nil
			}
		case 2:
			// Key expired: new key, keep our ts.
			c.log.Debug("long poll failed:2, key expired")
			c.lp.key = ""
		case 3:
			// Information lost: new key and new ts; what happened in
			// between is read by the catch-up.
			c.log.Info("long poll failed:3, information lost; catching up", "ts", cur.Ts)
			if err := c.refreshServer(ctx, false); err != nil {
				c.lp.key = ""
				return ans, false, err
			}
			cur.Ts = c.lp.ts
			return lpAnswer{Ts: cur.Ts}, true, nil
		}
		// failed 1 and 2 count as attempts so that a server that always
		// fails cannot spin us.
		attempt++
		if attempt > c.cfg.MaxRetries+3 {
			return ans, false, &moderation.BackOffError{Err: fmt.Errorf("long poll: failed:%d %d times in a row", a.Failed, attempt)}
		}
	}
}
