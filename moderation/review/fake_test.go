package review_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// fakeMod behaves like the pipeline's side of review.Moderation, backed by
// a map of decisions. Actions succeed unless failing says otherwise.
type fakeMod struct {
	mu        sync.Mutex
	ds        map[uint64]*moderation.Decision
	nextID    uint64
	paused    bool
	failing   map[moderation.ActionType]string // action → error while set
	resolves  []resolveCall
	unbans    []string
	resolveCh chan struct{} // when set, Resolve waits for it (to make taps race)
	now       func() time.Time
}

type resolveCall struct {
	ID      uint64
	Verdict moderation.Verdict
	BanFor  time.Duration
	By      string
	ByName  string
	Err     error
}

func newFakeMod() *fakeMod {
	return &fakeMod{ds: make(map[uint64]*moderation.Decision), failing: make(map[moderation.ActionType]string), now: time.Now}
}

func clone(d *moderation.Decision) *moderation.Decision {
	b, _ := json.Marshal(d)
	var c moderation.Decision
	json.Unmarshal(b, &c)
	return &c
}

// add stores a decision and returns a copy with its ID.
func (f *fakeMod) add(d *moderation.Decision) *moderation.Decision {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	d.ID = f.nextID
	if d.DecidedAt.IsZero() {
		d.DecidedAt = f.now()
	}
	if d.DecidedBy == "" {
		d.DecidedBy = moderation.ByAuto
	}
	f.ds[d.ID] = clone(d)
	return clone(d)
}

// review adds a decision pending review.
func (f *fakeMod) review(text string) *moderation.Decision {
	return f.add(&moderation.Decision{
		Comment: moderation.Comment{Network: "vk", Account: "admin-vk", ID: "vk:admin-vk:1", Ref: "wall:-1:2",
			Permalink: "https://vk.com/wall-1_2?reply=3", Text: text, Created: f.now().Add(-time.Minute),
			Author: moderation.Author{ID: "42", Name: "Иван Петров", ProfileURL: "https://vk.com/id42"}},
		Verdict: moderation.Review,
		Matches: []moderation.Match{{Rule: "insult.direct", Label: "insult", Action: moderation.Review, Reason: "Оскорбление", Matched: "дурак"}},
		Review:  &moderation.ReviewState{Status: moderation.ReviewPending},
	})
}

// auto adds a decision acted on automatically.
func (f *fakeMod) auto(text string, v moderation.Verdict) *moderation.Decision {
	now := f.now()
	d := &moderation.Decision{
		Comment: moderation.Comment{Network: "vk", Account: "admin-vk", ID: "vk:admin-vk:9", Text: text,
			Author: moderation.Author{ID: "77", Name: "Спамер"}},
		Verdict: v,
		Matches: []moderation.Match{{Rule: "spam.links", Action: v, Reason: "Спам"}},
		Actions: []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone, At: now}},
	}
	if v == moderation.Ban {
		d.BanFor = week
		d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActBan, State: moderation.ActionDone, Until: now.Add(week), At: now})
	}
	return f.add(d)
}

const week = 7 * 24 * time.Hour

func (f *fakeMod) get(id uint64) *moderation.Decision {
	f.mu.Lock()
	defer f.mu.Unlock()
	return clone(f.ds[id])
}

func (f *fakeMod) calls() []resolveCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.resolves)
}

func (f *fakeMod) fail(a moderation.ActionType, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if msg == "" {
		delete(f.failing, a)
	} else {
		f.failing[a] = msg
	}
}

// run carries out an action; call with mu held.
func (f *fakeMod) run(a *moderation.ActionRecord) {
	a.Attempts++
	a.At = f.now()
	if msg, ok := f.failing[a.Type]; ok {
		a.State, a.Error = moderation.ActionFailed, msg
		return
	}
	a.State, a.Error = moderation.ActionDone, ""
}

func (f *fakeMod) Resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by, byName string) (*moderation.Decision, error) {
	if f.resolveCh != nil {
		select {
		case <-f.resolveCh:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	call := resolveCall{ID: id, Verdict: v, BanFor: banFor, By: by, ByName: byName}
	d, ok := f.ds[id]
	switch {
	case !ok:
		call.Err = fmt.Errorf("decision %d: %w", id, moderation.ErrNotFound)
	case d.Review == nil:
		call.Err = fmt.Errorf("decision %d is not a review", id)
	case d.Review.Status == moderation.ReviewDecided:
		call.Err = fmt.Errorf("decision %d: %w", id, moderation.ErrAlreadyDecided)
	}
	f.resolves = append(f.resolves, call)
	if call.Err != nil {
		if ok {
			return clone(d), call.Err
		}
		return nil, call.Err
	}
	now := f.now()
	d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: v, BanFor: banFor, By: by, ByName: byName, At: now}
	d.DecidedBy = by
	if v >= moderation.Delete {
		d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActDelete, State: moderation.ActionPending})
	}
	if v == moderation.Ban {
		var until time.Time
		if banFor > 0 {
			until = now.Add(banFor)
		}
		d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActBan, State: moderation.ActionPending, Until: until})
	}
	for i := range d.Actions {
		f.run(&d.Actions[i])
	}
	return clone(d), nil
}

func (f *fakeMod) Undo(ctx context.Context, id uint64, by, byName string) (*moderation.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.ds[id]
	if !ok {
		return nil, moderation.ErrNotFound
	}
	if d.UndoneBy != "" {
		return clone(d), fmt.Errorf("undo %d: %w", id, moderation.ErrAlreadyDecided)
	}
	if d.Final() < moderation.Delete { // as the pipeline's Undo
		return nil, fmt.Errorf("undo decision %d: %w", id, moderation.ErrNothingToUndo)
	}
	d.UndoneBy, d.UndoneAt = by, f.now()
	d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActRestore})
	if d.Verdict == moderation.Ban {
		d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActUnban})
	}
	for i := range d.Actions {
		if t := d.Actions[i].Type; t == moderation.ActRestore || t == moderation.ActUnban {
			f.run(&d.Actions[i])
		}
	}
	return clone(d), nil
}

func (f *fakeMod) Retry(ctx context.Context, id uint64, by string) (*moderation.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.ds[id]
	if !ok {
		return nil, moderation.ErrNotFound
	}
	for i := range d.Actions {
		if d.Actions[i].State == moderation.ActionFailed {
			f.run(&d.Actions[i])
		}
	}
	return clone(d), nil
}

func (f *fakeMod) Unban(ctx context.Context, network, author, by string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unbans = append(f.unbans, network+"/"+author+"/"+by)
	return 1, nil
}

func (f *fakeMod) Pause(by string) { f.mu.Lock(); f.paused = true; f.mu.Unlock() }

func (f *fakeMod) Resume(by string) { f.mu.Lock(); f.paused = false; f.mu.Unlock() }

func (f *fakeMod) Paused() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.paused }

func (f *fakeMod) Decision(id uint64) (*moderation.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.ds[id]
	if !ok {
		return nil, fmt.Errorf("decision %d: %w", id, moderation.ErrNotFound)
	}
	return clone(d), nil
}

func (f *fakeMod) PendingReviews() ([]*moderation.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*moderation.Decision
	for _, d := range f.ds {
		if d.Review != nil && d.Review.Status == moderation.ReviewPending {
			out = append(out, clone(d))
		}
	}
	slices.SortFunc(out, func(a, b *moderation.Decision) int { return int(a.ID) - int(b.ID) })
	return out, nil
}

func (f *fakeMod) Stats(since time.Time) (moderation.Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s moderation.Stats
	for _, d := range f.ds {
		if !d.DecidedAt.Before(since) {
			s.Add(d)
		}
	}
	return s, nil
}
