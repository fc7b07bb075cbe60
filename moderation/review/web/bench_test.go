package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// BenchmarkPages renders each page of the console over a store of 100,000
// decisions (STRAZH_BENCH_DECISIONS changes it) spread over 90 days on 4
// pages, and reports each page's p50 and p99 (the target: under 100 ms).
//
//	go test ./moderation/review/web -run '^$' -bench Pages -benchtime 50x
//
// The statistics keep the counts of days before yesterday for 10 minutes:
// stats-30d is the warm page, stats-30d-cold reads all 30 days each time.
func BenchmarkPages(b *testing.B) {
	n := 100_000
	if s := os.Getenv("STRAZH_BENCH_DECISIONS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	now := time.Now()
	db, err := store.Open(filepath.Join(b.TempDir(), "strazh.db"), &store.Options{NoSync: true, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	fillBench(b, db, n, now)
	fillBenchAppeals(b, db, 10_000, now)
	mod := &fakeMod{db: db}
	srv, err := New(DefaultConfig(), Deps{Store: db, Moderation: mod, Accounts: benchPages, Now: func() time.Time { return now },
		Appeals: benchAppeals{db}})
	if err != nil {
		b.Fatal(err)
	}
	tok := newToken()
	if err := db.PutWebUser(store.WebUser{Name: "bench", Role: RoleAdmin, Hash: "x", Created: now.Add(-time.Hour), Changed: now.Add(-time.Hour)}); err != nil {
		b.Fatal(err)
	}
	if err := db.PutWebSession(tokenKey(tok), store.WebSession{User: "bench", CSRF: "c", Created: now, Expires: now.Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	pages := []struct{ name, path string }{
		{"queue", "/queue"},
		{"audit", "/audit"},
		{"audit-deep-page", "/audit?before=" + strconv.Itoa(n/2)},
		{"audit-range-deep", "/audit?since=" + now.Add(-60*24*time.Hour).Format("2006-01-02") + "&until=" + now.Add(-50*24*time.Hour).Format("2006-01-02")},
		{"audit-verdict-rule", "/audit?verdict=delete&rule=spam.link"},
		{"audit-text-rare", "/audit?q=" + "редкоеслово"},
		{"audit-author", "/audit?author=4242"},
		{"author", "/author?network=vk&id=4242"},
		{"blacklist", "/blacklist"},
		{"stats-14d", "/stats"},
		{"stats-30d", "/stats?days=30"},
		{"stats-30d-cold", "/stats?days=30&account=admin-vk"}, // the day cache emptied before each
		{"status", "/status"},
		{"appeals-10k", "/appeals"}, // 10,000 appeals: a year of a busy district
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var took []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(&http.Cookie{Name: cookieSession, Value: tok})
				rec := httptest.NewRecorder()
				if strings.HasSuffix(p.name, "-cold") {
					srv.dayCache.mu.Lock()
					srv.dayCache.m = nil
					srv.dayCache.mu.Unlock()
				}
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				took = append(took, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, rec.Code)
				}
			}
			slices.Sort(took)
			b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
			b.ReportMetric(ms(took[min(len(took)-1, len(took)*99/100)]), "p99-ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

var benchPages = []string{"admin-vk", "school-vk", "culture-vk", "sport-vk"}

// fillBench commits n decisions over the last 90 days: 70 % allow, 12 %
// review (decided after minutes to hours, the last 40 pending), 14 %
// delete, 4 % ban; 5000 authors; one comment in 20000 has a rare word.
func fillBench(b testing.TB, db *store.DB, n int, now time.Time) {
	b.Helper()
	span := 90 * 24 * time.Hour
	rules := []string{"obscene.mat", "insult.direct", "spam.link", "threat.violence"}
	batches := map[string][]*moderation.Decision{}
	flush := func(account string) {
		if _, err := db.Commit(account, batches[account], nil); err != nil {
			b.Fatal(err)
		}
		batches[account] = batches[account][:0]
	}
	for i := range n {
		account := benchPages[i%len(benchPages)]
		text := fmt.Sprintf("Когда уже отремонтируют дорогу на улице Ленина, дом %d? Обращаемся третий раз.", i)
		if i%20000 == 7 {
			text += " редкоеслово"
		}
		c := moderation.Comment{Network: "vk", Account: account, Kind: moderation.KindWallComment,
			ID: moderation.MakeID("vk", account, strconv.Itoa(i)), Ref: "wall:" + strconv.Itoa(i),
			Author: moderation.Author{ID: strconv.Itoa(i % 5000), Name: "Житель " + strconv.Itoa(i%5000)}, Text: text,
			Created: now.Add(-span + span/time.Duration(n)*time.Duration(i))}
		d := &moderation.Decision{Comment: c, Version: c.Version(), DecidedBy: moderation.ByAuto, DecidedAt: c.Created.Add(time.Second)}
		switch r := i % 50; {
		case r < 35:
			d.Verdict = moderation.Allow
		case r < 41:
			d.Verdict = moderation.Review
			d.Matches = []moderation.Match{{Rule: rules[i%4], Action: moderation.Review, Reason: "сомнение"}}
			d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Verdict(i % 3 * 2 % 4), By: "telegram:1",
				At: d.DecidedAt.Add(time.Duration(i%180) * time.Minute)}
			if i >= n-40*50/6 {
				d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
			}
		case r < 48:
			d.Verdict = moderation.Delete
			d.Matches = []moderation.Match{{Rule: rules[i%4], Action: moderation.Delete, Reason: "нарушение"}}
			d.Actions = []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone, At: d.DecidedAt}}
		default:
			d.Verdict = moderation.Ban
			d.Matches = []moderation.Match{{Rule: "spam.link", Action: moderation.Ban, Reason: "спам"}}
			d.Actions = []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone, At: d.DecidedAt},
				{Type: moderation.ActBan, State: moderation.ActionDone, At: d.DecidedAt, Until: d.DecidedAt.Add(30 * 24 * time.Hour)}}
		}
		batches[account] = append(batches[account], d)
		if len(batches[account]) == 1000 || i >= n-len(benchPages) {
			flush(account)
		}
	}
}

// benchAppeals serves the appeals page from the store; nothing is posted.
type benchAppeals struct{ *store.DB }

func (benchAppeals) ReplyAppeal(context.Context, uint64, string, string) (*moderation.Appeal, error) {
	return nil, moderation.ErrUnsupported
}
func (benchAppeals) CanReply(*moderation.Appeal) bool { return true }
func (benchAppeals) CloseAppeal(uint64, string, string) (*moderation.Appeal, error) {
	return nil, moderation.ErrUnsupported
}

// fillBenchAppeals opens n appeals over the last year, all but 20 of them
// answered or closed.
func fillBenchAppeals(b testing.TB, db *store.DB, n int, now time.Time) {
	b.Helper()
	span := 365 * 24 * time.Hour
	for i := range n {
		opened := now.Add(-span + span/time.Duration(n)*time.Duration(i))
		a := &moderation.Appeal{DecisionID: uint64(1_000_000 + i), Network: "vk", Account: benchPages[i%len(benchPages)],
			CommentID: "vk:appeal:" + strconv.Itoa(i), Ref: strconv.Itoa(i), Topic: "roads",
			Author: moderation.Author{ID: strconv.Itoa(i % 5000), Name: "Житель " + strconv.Itoa(i%5000)},
			Text:   "Когда отремонтируют дорогу у дома " + strconv.Itoa(i) + "?", OpenedAt: opened, Deadline: opened.Add(24 * time.Hour)}
		if i < n-20 {
			a.AnsweredAt, a.AnsweredBy = opened.Add(time.Duration(i%48)*time.Hour), "page"
		}
		if _, err := db.OpenAppeal(a); err != nil {
			b.Fatal(err)
		}
	}
}
