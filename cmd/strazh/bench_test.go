package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

const benchVKConfig = `state_dir: %s
metrics: {listen: ""}
log: {level: error}
rules: {builtin: ru}
accounts:
  - name: admin-vk
    network: vk
    group_id: %d
    api_url: %s
    community_token_env: STRAZH_BENCH_VK_COMMUNITY
    user_token_env: STRAZH_BENCH_VK_USER
    user_rps: 3
    long_poll_wait: 1s
`

// benchText builds the i-th comment: ordinary questions and complaints in
// many combinations (so the copy-paste spam rule stays quiet), every fourth
// one obscene so that the shipped rules delete it.
func benchText(i int) string {
	subjects := []string{"Дорогу на улице Лесной", "Двор у дома номер двенадцать", "Остановку возле рынка",
		"Детскую площадку в сквере", "Освещение на набережной", "Подъезд в новом микрорайоне", "Тротуар у школы"}
	problems := []string{"не ремонтируют уже третий год", "обещали сделать ещё весной", "опять перекопали и бросили",
		"так и не привели в порядок", "залило после каждого дождя", "чистят только к приезду начальства"}
	asks := []string{"Когда будет ответ?", "Просим разобраться.", "Жители ждут решения.", "Кто за это отвечает?",
		"Сколько можно ждать?", "Напишите сроки, пожалуйста."}
	s := subjects[i%len(subjects)] + " " + problems[(i/7)%len(problems)] + ". " + asks[(i/42)%len(asks)]
	if i%4 == 3 {
		s = "да вы охуели, " + s
	}
	return s + " (" + strconv.Itoa(i) + ")"
}

// BenchmarkDaemon_VK runs the whole daemon — VK connector (long poll over
// HTTP), rule engine with the shipped packs, bbolt with fsync, actions —
// against the VK fake, and reports comments/s taken in and decided per
// account, and the latency from a comment's arrival at the fake to the
// wall.deleteComment call at p50/p99. The fake enforces no rate limit; the
// connector keeps VK's 3 req/s for the user token, so deletions during the
// burst queue behind it (the latency run posts slower than that).
func BenchmarkDaemon_VK(b *testing.B) {
	b.Run("throughput", func(b *testing.B) { benchVK(b, 0) })
	b.Run("latency", func(b *testing.B) { benchVK(b, 150*time.Millisecond) })
}

func benchVK(b *testing.B, gap time.Duration) {
	f := vktest.New(vktest.Options{})
	defer f.Close()
	b.Setenv("STRAZH_BENCH_VK_COMMUNITY", f.CommunityToken())
	b.Setenv("STRAZH_BENCH_VK_USER", f.UserToken())
	dir := b.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(benchVKConfig, filepath.Join(dir, "state"), f.GroupID(), f.MethodURL())), 0o600)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		b.Fatal(err)
	}
	n := b.N
	if gap > 0 {
		n = 40 // a latency sample at a human pace, not a flood
	}
	posts := make([]int, 50)
	for i := range posts {
		posts[i] = f.AddPost("Новость " + strconv.Itoa(i))
	}
	decided := make(chan struct{}, n)
	seen := newIDSet()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan *pipeline.Pipeline, 1)
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{logOut: io.Discard,
			onReady: func(p *pipeline.Pipeline) { ready <- p },
			onDecision: func(d *moderation.Decision) {
				// The first call is the durable decision; later ones report actions.
				if seen.Add(d.ID) {
					decided <- struct{}{}
				}
			}})
	}()
	<-ready
	// Warm up: the first deletion after a start waits for the connector's
	// rate limiter and connections; measure the steady state.
	warm := f.AddComment(posts[0], 999, "пиздец, разогрев")
	for !f.Deleted(vktest.KindWall, warm) {
		time.Sleep(5 * time.Millisecond)
	}
	<-decided
	posted := make(map[string]time.Time, n)
	b.ResetTimer()
	start := time.Now()
	for i := range n {
		id := f.AddComment(posts[i%len(posts)], 1000+i%997, benchText(i))
		posted[strconv.Itoa(id)] = time.Now()
		if gap > 0 {
			time.Sleep(gap)
		}
	}
	for range n {
		<-decided
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if gap == 0 {
		b.ReportMetric(float64(n)/elapsed.Seconds(), "comments/s")
	} else {
		// Wait for the deletions, then measure arrival → delete call.
		deadline := time.Now().Add(30 * time.Second)
		want := 0
		for i := range n {
			if i%4 == 3 {
				want++
			}
		}
		var lat []time.Duration
		for time.Now().Before(deadline) {
			lat = lat[:0]
			for _, c := range f.Calls("wall.deleteComment") {
				if t, ok := posted[c.Params.Get("comment_id")]; ok && c.Code == 0 {
					lat = append(lat, c.At.Sub(t))
				}
			}
			if len(lat) >= want {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(lat) == 0 {
			b.Fatal("no deletion reached the fake")
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// idSet remembers decision IDs (the callback runs on the daemon's goroutines).
type idSet struct {
	mu  sync.Mutex
	ids map[uint64]bool
}

func newIDSet() *idSet { return &idSet{ids: map[uint64]bool{}} }

// Add reports whether id is new.
func (s *idSet) Add(id uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[id] {
		return false
	}
	s.ids[id] = true
	return true
}
