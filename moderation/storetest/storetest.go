// Package storetest is the conformance suite for implementations of the
// store interfaces in moderation (Decisions, Pending, Cursors, Audit, Bans,
// Store, Examples, ModelVersions) and of the reviewer's card store. Every implementation runs it
// from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Stores {
//			db := openFresh(t)
//			return storetest.Stores{Store: db, Cards: db, Examples: db, Models: db}
//		})
//	}
//
// The tests assert the contracts written in the interfaces' doc comments,
// nothing an implementation may choose. It imports only the core and
// cardstore (no Telegram, no bbolt).
package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// CardStore is the reviewer's store.
type CardStore = cardstore.Store

// Stores are the implementations under test, fresh and empty; a nil one
// skips its tests.
type Stores struct {
	Store    moderation.Store
	Cards    CardStore
	Examples moderation.Examples      // the learner's labelled examples
	Models   moderation.ModelVersions // the learned model's versions
}

// Run runs the whole suite; open makes fresh, empty stores for each test
// (and cleans them up with t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) Stores) {
	store := func(fn func(t *testing.T, s moderation.Store)) func(t *testing.T) {
		return func(t *testing.T) {
			s := open(t).Store
			if s == nil {
				t.Skip("no decision store")
			}
			fn(t, s)
		}
	}
	cards := func(fn func(t *testing.T, s CardStore)) func(t *testing.T) {
		return func(t *testing.T) {
			s := open(t).Cards
			if s == nil {
				t.Skip("no card store")
			}
			fn(t, s)
		}
	}
	examples := func(fn func(t *testing.T, s moderation.Examples)) func(t *testing.T) {
		return func(t *testing.T) {
			s := open(t).Examples
			if s == nil {
				t.Skip("no example store")
			}
			fn(t, s)
		}
	}
	models := func(fn func(t *testing.T, s moderation.ModelVersions)) func(t *testing.T) {
		return func(t *testing.T) {
			s := open(t).Models
			if s == nil {
				t.Skip("no model store")
			}
			fn(t, s)
		}
	}
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"Commit/CursorWithDecisions", store(testCommitCursor)},
		{"Commit/AllOrNothing", store(testCommitAtomic)},
		{"Commit/Duplicates", store(testCommitDuplicates)},
		{"Commit/FillsIn", store(testCommitFills)},
		{"Commit/Concurrent", store(testCommitConcurrent)},
		{"Get/NotFound", store(testGetNotFound)},
		{"Update/Edits", store(testUpdateEdits)},
		{"Update/Abort", store(testUpdateAbort)},
		{"Update/NotFound", store(testUpdateNotFound)},
		{"Update/Identity", store(testUpdateIdentity)},
		{"Pending/Actions", store(testPendingActions)},
		{"Pending/Reviews", store(testPendingReviews)},
		{"Bans/InStepWithDecisions", store(testBansInStep)},
		{"Bans/ByHand", store(testBansByHand)},
		{"Query/Order", store(testQueryOrder)},
		{"Query/Filters", store(testQueryFilters)},
		{"Query/Limit", store(testQueryLimit)},
		{"Query/CallbackError", store(testQueryCallback)},
		{"Epoch/Stable", store(testEpoch)},
		{"Cards/PutGet", cards(testCardsPutGet)},
		{"Cards/OpenCards", cards(testCardsOpen)},
		{"Cards/Delete", cards(testCardsDelete)},
		{"Cards/Outbox", cards(testCardsOutbox)},
		{"Cards/OffsetAndDigest", cards(testCardsOffsetDigest)},
		{"Cards/AllOrNothing", cards(testCardsAtomic)},
		{"Examples/OnePerDecision", examples(testExamples)},
		{"Models/Versions", models(testModelVersions)},
	} {
		t.Run(tc.name, tc.fn)
	}
}

// base is the time of the test decisions.
var base = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// decision builds a decision on comment id of account by author, decided
// at base plus minutes, with the actions and review its verdict implies:
// delete and ban pending actions, a pending review.
func decision(account, id, author string, v moderation.Verdict, minutes int) *moderation.Decision {
	c := moderation.Comment{
		Network: "sim", Account: account, Kind: moderation.KindWallComment,
		ID: moderation.MakeID("sim", account, id), Ref: "wall:" + id,
		Author: moderation.Author{ID: author, Name: "Автор " + author},
		Text:   "комментарий " + id, Created: base.Add(-time.Hour),
	}
	d := &moderation.Decision{Comment: c, Version: c.Version(), Verdict: v, DecidedBy: moderation.ByAuto,
		DecidedAt: base.Add(time.Duration(minutes) * time.Minute)}
	switch v {
	case moderation.Review:
		d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
	case moderation.Delete:
		d.Matches = []moderation.Match{{Rule: "obscene", Action: v, Reason: "мат"}}
		d.Actions = []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionPending}}
	case moderation.Ban:
		d.Matches = []moderation.Match{{Rule: "spam", Action: v, Reason: "спам"}}
		d.Actions = []moderation.ActionRecord{
			{Type: moderation.ActDelete, State: moderation.ActionPending},
			{Type: moderation.ActBan, State: moderation.ActionPending, Until: base.Add(7 * 24 * time.Hour)},
		}
	}
	return d
}

func commit(t *testing.T, s moderation.Decisions, account string, cursor []byte, ds ...*moderation.Decision) []*moderation.Decision {
	t.Helper()
	out, err := s.Commit(account, ds, cursor)
	if err != nil {
		t.Fatalf("Commit(%s): %v", account, err)
	}
	return out
}

func ids(ds []*moderation.Decision) []uint64 {
	out := make([]uint64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func query(t *testing.T, s moderation.Audit, q moderation.Query) []uint64 {
	t.Helper()
	var out []uint64
	if err := s.Query(q, func(d *moderation.Decision) error { out = append(out, d.ID); return nil }); err != nil {
		t.Fatalf("Query(%+v): %v", q, err)
	}
	return out
}

// diff says how a stored decision differs from the one written ("" when
// not): every field a reader relies on, times as instants.
func diff(got, want *moderation.Decision) string {
	type view struct {
		ID                uint64
		Comment           moderation.Comment
		Version           uint64
		Verdict           moderation.Verdict
		Labels            []string
		Matches           []moderation.Match
		BanFor            time.Duration
		Urgent            bool
		DecidedBy         string
		DecidedAt         int64
		DryRun            bool
		Review            *moderation.ReviewState
		Actions           []moderation.ActionRecord
		UndoneBy          string
		UndoneAt, Created int64
	}
	norm := func(d *moderation.Decision) view {
		v := view{ID: d.ID, Comment: d.Comment, Version: d.Version, Verdict: d.Verdict, Labels: d.Labels, Matches: d.Matches,
			BanFor: d.BanFor, Urgent: d.Urgent, DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt.UnixNano(), DryRun: d.DryRun,
			UndoneBy: d.UndoneBy, UndoneAt: d.UndoneAt.UnixNano(), Created: d.Comment.Created.UnixNano()}
		v.Comment.Created = time.Time{}
		if len(v.Labels) == 0 {
			v.Labels = nil
		}
		if len(d.Matches) == 0 {
			v.Matches = nil
		}
		if d.Review != nil {
			r := *d.Review
			r.At = r.At.UTC()
			v.Review = &r
		}
		for _, a := range d.Actions {
			a.Until, a.At = a.Until.UTC(), a.At.UTC()
			v.Actions = append(v.Actions, a)
		}
		return v
	}
	g, w := norm(got), norm(want)
	if reflect.DeepEqual(g, w) {
		return ""
	}
	return fmt.Sprintf("got  %+v\nwant %+v", g, w)
}

func increasing(xs []uint64) bool {
	return slices.IsSorted(xs) && len(slices.Compact(slices.Clone(xs))) == len(xs)
}
