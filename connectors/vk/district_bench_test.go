package vk

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/vk/vktest"
)

// BenchmarkDistrict_ArrivalToDeletion measures, on the real clock, the
// time from a comment's arrival in VK to its wall.deleteComment reaching VK,
// for two communities in one daemon sharing one admin's user token (VK's
// 3 requests/s for both; in-process fakes, so no network time). Each
// iteration is one round: "trickle" posts one comment per page after the
// token was idle for a while (its bucket full again), "burst" five per
// page at once, rounds back to back. Reported: p50 and p99 over every
// comment of the run.
//
//	go test -run '^$' -bench District_ArrivalToDeletion -benchtime 5x ./connectors/vk/
func BenchmarkDistrict_ArrivalToDeletion(b *testing.B) {
	for _, bc := range []struct {
		name    string
		perPage int
		idle    time.Duration // between rounds, off the clock
	}{{"trickle", 1, 1500 * time.Millisecond}, {"burst", 5, 0}} {
		b.Run(bc.name, func(b *testing.B) {
			d := newDistrict(b, true, false)
			posts := [2]int{d.fakes[0].AddPost("p"), d.fakes[1].AddPost("p")}
			var lat []time.Duration
			user := 600
			b.ResetTimer()
			for range b.N {
				if bc.idle > 0 {
					b.StopTimer()
					time.Sleep(bc.idle)
					b.StartTimer()
				}
				arrived := [2]map[string]time.Time{{}, {}}
				for range bc.perPage {
					for i, f := range d.fakes {
						user++
						id := f.AddComment(posts[i], user, "реклама "+obsceneMark)
						arrived[i][strconv.Itoa(id)] = time.Now()
					}
				}
				for i, f := range d.fakes {
					waitFor(b, "deletions", func() bool { return len(deletedAt(f, arrived[i])) == len(arrived[i]) })
					for id, at := range deletedAt(f, arrived[i]) {
						lat = append(lat, at.Sub(arrived[i][id]))
					}
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Milliseconds()) }
			b.ReportMetric(q(0.5), "p50_ms")
			b.ReportMetric(q(0.99), "p99_ms")
			b.ReportMetric(float64(d.meter.Peak(vktest.TokenUser)), "peak_user_req/s")
			b.ReportMetric(float64(d.meter.Over(vktest.TokenUser)), "vk_error6")
		})
	}
}

// deletedAt is when VK took the deletion of each comment of want (by id).
func deletedAt(f *vktest.Server, want map[string]time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	// Alone or packed into an execute with others.
	for _, c := range append(f.Calls("wall.deleteComment"), f.InnerCalls("wall.deleteComment")...) {
		id := c.Params.Get("comment_id")
		if _, ok := want[id]; ok && c.Code == 0 {
			out[id] = c.At
		}
	}
	return out
}
