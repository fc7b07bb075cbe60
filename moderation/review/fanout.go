package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Several review channels at once (issue 14): every card goes to every
// channel, the first decision from any of them wins (the pipeline's
// Resolve answers ErrAlreadyDecided to later ones), and the other channels
// are told at once so their cards show it.

// Refresher is a review channel that can be told that a decision changed
// in another channel: it re-renders (and closes) its card through its own
// durable outbox. It must only queue, never wait for its network.
type Refresher interface {
	Refresh(ctx context.Context, d *moderation.Decision) error
}

// Channel is one review channel of a Fanout.
type Channel struct {
	Name     string // the metric label and the prefix of its moderators' audit identity: telegram, max, web
	Reviewer moderation.Reviewer
}

// Fanout is a moderation.Reviewer over several channels. Each channel keeps
// its own durable backlog, so a channel that is down delays nobody: Submit
// and Notify only queue in each channel, and an error of one does not stop
// the others.
type Fanout struct {
	chans []Channel
	log   *slog.Logger
}

// NewFanout makes a fan-out over no channels yet; add them with Add.
func NewFanout(log *slog.Logger) *Fanout {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Fanout{log: log.With("component", "review")}
}

// Add appends a channel. Call it before the pipeline runs. Names must be
// unique: a decision is passed on to every channel but the one named.
func (f *Fanout) Add(name string, r moderation.Reviewer) error {
	for _, c := range f.chans {
		if c.Name == name {
			return fmt.Errorf("review: channel %s added twice", name)
		}
	}
	f.chans = append(f.chans, Channel{Name: name, Reviewer: r})
	return nil
}

// Channels lists the channels in the order they were added.
func (f *Fanout) Channels() []Channel { return f.chans }

// each calls fn for every channel and joins their errors, each named by
// its channel.
func (f *Fanout) each(skip string, fn func(c Channel) error) error {
	var errs []error
	for _, c := range f.chans {
		if c.Name == skip {
			continue
		}
		if err := fn(c); err != nil {
			errs = append(errs, fmt.Errorf("review channel %s: %w", c.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Submit queues the card in every channel.
func (f *Fanout) Submit(ctx context.Context, d *moderation.Decision) error {
	return f.each("", func(c Channel) error { return c.Reviewer.Submit(ctx, d) })
}

// Announce passes a security event to every channel that announces
// (moderation.Announcer; announce.go).
func (f *Fanout) Announce(ctx context.Context, ev moderation.SecurityEvent) error {
	return f.each("", func(c Channel) error {
		if a, ok := c.Reviewer.(moderation.Announcer); ok {
			return a.Announce(ctx, ev)
		}
		return nil
	})
}

// Notify queues the notice in every channel.
func (f *Fanout) Notify(ctx context.Context, d *moderation.Decision) error {
	return f.each("", func(c Channel) error { return c.Reviewer.Notify(ctx, d) })
}

// Gone closes the card in every channel that can (moderation.GoneCloser).
func (f *Fanout) Gone(ctx context.Context, d *moderation.Decision) error {
	return f.each("", func(c Channel) error {
		if g, ok := c.Reviewer.(moderation.GoneCloser); ok {
			return g.Gone(ctx, d)
		}
		return nil
	})
}

// changed tells every channel but from that d changed.
func (f *Fanout) changed(ctx context.Context, from string, d *moderation.Decision) {
	err := f.each(from, func(c Channel) error {
		if r, ok := c.Reviewer.(Refresher); ok {
			return r.Refresh(ctx, d)
		}
		return nil
	})
	if err != nil {
		// The channel's tick finds the decision at its next look at open cards.
		f.log.Warn("tell other review channels of a decision", "decision_id", d.ID, "from", from, "err", err)
	}
}

// Health reports every channel that is broken (nil: all work); each
// channel's error names it ("telegram review chat: sending: ...").
func (f *Fanout) Health() error {
	var errs []error
	for _, c := range f.chans {
		if h, ok := c.Reviewer.(interface{ Health() error }); ok {
			if err := h.Health(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Moderation wraps mod for the channel name: a decision the channel's
// moderators make is shown at once in the other channels. The result is a
// DistrictModeration when mod is one.
func (f *Fanout) Moderation(name string, mod Moderation) Moderation {
	w := fanMod{Moderation: mod, f: f, name: name}
	if dm, ok := mod.(DistrictModeration); ok {
		return fanDistrict{fanMod: w, dm: dm}
	}
	return w
}

type fanMod struct {
	Moderation
	f    *Fanout
	name string
}

func (m fanMod) after(ctx context.Context, d *moderation.Decision, err error) (*moderation.Decision, error) {
	if err == nil && d != nil {
		m.f.changed(context.WithoutCancel(ctx), m.name, d)
	}
	return d, err
}

func (m fanMod) Resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by, byName string) (*moderation.Decision, error) {
	d, err := m.Moderation.Resolve(ctx, id, v, banFor, by, byName)
	return m.after(ctx, d, err)
}

func (m fanMod) Undo(ctx context.Context, id uint64, by, byName string) (*moderation.Decision, error) {
	d, err := m.Moderation.Undo(ctx, id, by, byName)
	return m.after(ctx, d, err)
}

func (m fanMod) Retry(ctx context.Context, id uint64, by string) (*moderation.Decision, error) {
	d, err := m.Moderation.Retry(ctx, id, by)
	return m.after(ctx, d, err)
}

type fanDistrict struct {
	fanMod
	dm DistrictModeration
}

func (m fanDistrict) District(network string) []string { return m.dm.District(network) }

func (m fanDistrict) ResolveDistrict(ctx context.Context, id uint64, banFor time.Duration, by, byName string) (*moderation.Decision, error) {
	d, err := m.dm.ResolveDistrict(ctx, id, banFor, by, byName)
	return m.after(ctx, d, err)
}

func (m fanDistrict) DistrictStats(since time.Time) (map[string]moderation.Stats, moderation.Stats, error) {
	return m.dm.DistrictStats(since)
}

func (m fanDistrict) AuthorDecisions(network, author string, limit int) ([]*moderation.Decision, error) {
	return m.dm.AuthorDecisions(network, author, limit)
}

// channelOf is the review channel an audit identity belongs to
// ("telegram:77" → telegram), or "" for one that is not a channel's
// moderator (cli:root, timeout, the network).
func channelOf(by string) string {
	ch, _, ok := strings.Cut(by, ":")
	if !ok {
		return ""
	}
	switch ch {
	case ChannelTelegram, ChannelMAX, ChannelWeb:
		return ch
	}
	return ""
}

var (
	_ moderation.Reviewer   = (*Fanout)(nil)
	_ moderation.GoneCloser = (*Fanout)(nil)
	_ DistrictModeration    = fanDistrict{}
)
