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
