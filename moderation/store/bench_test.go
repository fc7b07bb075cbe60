package store

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// BenchmarkDB_Commit measures Commit with fsync on (as the daemon runs;
// STRAZH_BENCH_NOSYNC=1 measures the CPU alone),
// per decision: ns/decision and allocs/decision besides the per-Commit
// ns/op, B/op and allocs/op. Every tenth decision is a delete with a
// pending action, as on a busy page.
func BenchmarkDB_Commit(b *testing.B) {
	for _, batch := range []int{1, 100, 500} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			db, err := Open(filepath.Join(b.TempDir(), "bench.db"), &Options{NoSync: os.Getenv("STRAZH_BENCH_NOSYNC") != ""})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			// New comments arrive in ID order (10% are edits of recent
			// ones); the IDs are made up front to keep fmt out of the numbers.
			const nComments = 1 << 17
			commentIDs := make([]string, nComments)
			for i := range commentIDs {
				commentIDs[i] = moderation.MakeID("vk", "admin-vk", fmt.Sprintf("wall-123_%d", 1000000+i))
			}
			next := 0
			text := strings.Repeat("Когда уже отремонтируют дорогу на улице Ленина? ", 4)
			ds := make([]*moderation.Decision, batch)
			for i := range ds {
				v := moderation.Allow
				if i%10 == 9 {
					v = moderation.Delete
				}
				ds[i] = dec("admin-vk", "x", "12345", text, v)
				ds[i].Comment.Network = "vk"
				ds[i].DecidedAt = time.Now()
			}
			cursor := []byte(`{"ts":"1234567","posts":{"456":789}}`)
			var version uint64
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			b.ResetTimer()
			for b.Loop() {
				for i, d := range ds {
					version++
					d.ID, d.Version, d.DecidedAt = 0, version, time.Now()
					if i%10 == 5 && next > 50 {
						d.Comment.ID = commentIDs[(next-50)%nComments] // an edit
					} else {
						d.Comment.ID = commentIDs[next%nComments]
						next++
					}
					d.Actions = d.Actions[:0:0]
					if i%10 == 9 {
						d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActDelete, State: moderation.ActionPending})
					}
				}
				out, err := db.Commit("admin-vk", ds, cursor)
				if err != nil || len(out) != batch {
					b.Fatalf("Commit: %d, %v", len(out), err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&ms1)
			n := float64(b.N * batch)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/decision")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/decision")
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/n, "B/decision")
		})
	}
}

// BenchmarkOpen_Check measures the consistency check Open runs on an
// existing file (walk and bbolt's Tx.Check, no time limit), in MB/s of
// file: with STRAZH_BENCH_DECISIONS (default 50,000) decisions, it tells
// how large a file the default CheckTimeout covers completely.
func BenchmarkOpen_Check(b *testing.B) {
	n := 50_000
	if s := os.Getenv("STRAZH_BENCH_DECISIONS"); s != "" {
		fmt.Sscan(s, &n)
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	db, err := Open(path, &Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("Когда уже отремонтируют дорогу на улице Ленина? ", 4)
	for i := 0; i < n; i += 1000 {
		ds := make([]*moderation.Decision, 0, 1000)
		for j := i; j < min(n, i+1000); j++ {
			ds = append(ds, dec("admin-vk", fmt.Sprint(j), fmt.Sprint(j%5000), text, moderation.Verdict(j%4)))
		}
		if _, err := db.Commit("admin-vk", ds, []byte("cursor")); err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for b.Loop() {
		db, err := Open(path, &Options{ReadOnly: true, CheckTimeout: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		if !db.check.Deep {
			b.Fatal("bbolt's check did not run")
		}
		db.Close()
	}
	b.ReportMetric(float64(fi.Size())/1e6, "MB")
}
