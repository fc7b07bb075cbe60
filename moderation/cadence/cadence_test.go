package cadence

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
)

// memStore is the store's behaviour over a slice: posts deduplicated by
// account and id, listed oldest first in [since, until).
type memStore struct {
	mu    sync.Mutex
	posts map[string]moderation.Post
}

func (m *memStore) PutPosts(ps []moderation.Post) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.posts == nil {
		m.posts = map[string]moderation.Post{}
	}
	for _, p := range ps {
		m.posts[p.Account+"/"+p.ID] = p
	}
	return nil
}

func (m *memStore) Posts(account string, since, until time.Time) ([]moderation.Post, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []moderation.Post
	for _, p := range m.posts {
		if p.Account == account && !p.At.Before(since) && (until.IsZero() || p.At.Before(until)) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b moderation.Post) int { return a.At.Compare(b.At) })
	return out, nil
}

// reader is a page whose posts are published at the given times.
type reader struct {
	mu    sync.Mutex
	at    []time.Time
	err   error
	calls int
}

func (r *reader) PageInfo(context.Context) (moderation.PageInfo, error) {
	return moderation.PageInfo{}, nil
}

func (r *reader) Posts(_ context.Context, since time.Time) ([]moderation.Post, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.err != nil {
		return nil, r.err
	}
	var out []moderation.Post
	for i, t := range r.at {
		if !t.Before(since) {
			out = append(out, moderation.Post{Network: "vk", Account: "connector-name", ID: string(rune('a' + i)), At: t})
		}
	}
	return out, nil
}

func TestPoller_Poll(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	busy := &reader{}
	for i := range 9 {
		busy.at = append(busy.at, now.Add(-time.Duration(i)*18*time.Hour)) // 9 in 6 days
	}
	quiet := &reader{at: []time.Time{now.Add(-time.Hour), now.Add(-3 * day), now.Add(-8 * day)}}
	broken := &reader{err: errors.New("vk: posts: boom")}
	st := &memStore{}
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	p := New(Options{MinPerWeek: 7, Metrics: m, Now: func() time.Time { return now }}, st,
		[]Page{{"busy", busy}, {"quiet", quiet}, {"broken", broken}})
	p.Poll(context.Background())

	cases := []struct {
		account string
		want    float64
	}{{"busy", 9}, {"quiet", 2}}
	for _, tc := range cases {
		if got := testutil.ToFloat64(m.Week.WithLabelValues(tc.account)); got != tc.want {
			t.Errorf("strazh_posts_week{account=%q} = %v, want %v", tc.account, got, tc.want)
		}
	}
	if got := testutil.ToFloat64(m.PollFailures.WithLabelValues("broken")); got != 1 {
		t.Errorf("poll failures of broken = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.MinPerWeek); got != 7 {
		t.Errorf("strazh_posts_week_min = %v, want 7", got)
	}
	// The posts are kept under the configured account's name.
	weeks, err := p.Weeks(now)
	if err != nil {
		t.Fatal(err)
	}
	if weeks["busy"] != 9 || weeks["quiet"] != 2 || weeks["broken"] != 0 {
		t.Errorf("Weeks = %v", weeks)
	}
	// The window rolls: quiet's posts of 1 h and 3 days ago leave it.
	for _, c := range []struct {
		after time.Duration
		want  int
	}{{4 * day, 2}, {5 * day, 1}, {7 * day, 0}} {
		if n, _ := Count(st, "quiet", now.Add(c.after)); n != c.want {
			t.Errorf("quiet %v later = %d, want %d", c.after, n, c.want)
		}
	}
}

// Run reads at once, then every Every, and stops with its context.
func TestPoller_Run(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &reader{}
		p := New(Options{Every: time.Hour}, &memStore{}, []Page{{"a", r}})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		synctest.Wait()
		calls := func() int { r.mu.Lock(); defer r.mu.Unlock(); return r.calls }
		if n := calls(); n != 1 {
			t.Fatalf("after start: %d reads, want 1", n)
		}
		time.Sleep(59 * time.Minute)
		synctest.Wait()
		if n := calls(); n != 1 {
			t.Fatalf("after 59m: %d reads, want 1", n)
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if n := calls(); n != 2 {
			t.Fatalf("after 61m: %d reads, want 2", n)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// arriving is a reader without history: it counts from since.
type arriving struct {
	reader
	since time.Time
	known bool
	given Store
}

func (a *arriving) RecordPosts(st Store)             { a.given = st }
func (a *arriving) CountingSince() (time.Time, bool) { return a.since, a.known }

// An Arriving page is given the store, and its week is said short
// (strazh_posts_week_partial 1) until it has counted for 7 days, or while
// it does not know since when; a page with history never is.
func TestPoller_Poll_Partial(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		since time.Duration // before now
		known bool
		want  float64
	}{
		{"not started yet", 0, false, 1},
		{"counting for a day", 24 * time.Hour, true, 1},
		{"counting for 6 days 23 hours", Week - time.Hour, true, 1},
		{"counting for a full week", Week, true, 0},
		{"counting for a month", 30 * 24 * time.Hour, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &arriving{since: now.Add(-tc.since), known: tc.known}
			st := &memStore{}
			m := NewMetrics(prometheus.NewRegistry())
			p := New(Options{Metrics: m, Now: func() time.Time { return now }}, st,
				[]Page{{"tg", a}, {"vk", &reader{}}})
			if a.given != Store(st) {
				t.Fatal("the Arriving page was not given the store")
			}
			p.Poll(context.Background())
			if got := testutil.ToFloat64(m.Partial.WithLabelValues("tg")); got != tc.want {
				t.Errorf("strazh_posts_week_partial{tg} = %v, want %v", got, tc.want)
			}
			if n := testutil.CollectAndCount(m.Partial); n != 1 {
				t.Errorf("%d partial series, want only the Arriving page's", n)
			}
		})
	}
}

// The short week is logged once, when known, and again when the full
// week is reached; not at every poll.
func TestPoller_Poll_PartialLoggedOnce(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	a := &arriving{}
	p := New(Options{Logger: slog.New(slog.NewTextHandler(&buf, nil)), Now: func() time.Time { return now }},
		&memStore{}, []Page{{"tg", a}})
	p.Poll(context.Background()) // not known yet: nothing said
	a.since, a.known = now.Add(-time.Hour), true
	p.Poll(context.Background())
	p.Poll(context.Background())
	now = now.Add(Week)
	p.Poll(context.Background())
	p.Poll(context.Background())
	if n := strings.Count(buf.String(), "reads low until a full week"); n != 1 {
		t.Errorf("short week said %d times, want 1:\n%s", n, &buf)
	}
	if n := strings.Count(buf.String(), "counted for a full week now"); n != 1 {
		t.Errorf("full week said %d times, want 1:\n%s", n, &buf)
	}
}

// CountedSince answers for an Arriving page once it knows, and never for
// a page counted from its history or one not polled.
func TestPoller_CountedSince(t *testing.T) {
	since := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	p := New(Options{}, &memStore{}, []Page{{"tg", &arriving{since: since, known: true}}, {"tg-new", &arriving{}}, {"vk", &reader{}}})
	for _, tc := range []struct {
		account string
		want    time.Time
		ok      bool
	}{{"tg", since, true}, {"tg-new", time.Time{}, false}, {"vk", time.Time{}, false}, {"other", time.Time{}, false}} {
		if got, ok := p.CountedSince(tc.account); ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("CountedSince(%s) = %v, %v; want %v, %v", tc.account, got, ok, tc.want, tc.ok)
		}
	}
}
