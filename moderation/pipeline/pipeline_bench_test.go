package pipeline_test

import (
	"context"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// floodConn delivers n comments in batches as fast as the pipeline takes
// them, then nothing: it measures the pipeline, not a network. The comments
// are built before the clock starts (prepare).
type floodConn struct {
	n, batch int
	sent     int
	text     string
	ready    []moderation.Update
	cursors  [][]byte
}

// prepare builds every update up front so a benchmark counts only the
// pipeline's own work.
func (f *floodConn) prepare() {
	now := time.Now()
	f.ready = make([]moderation.Update, f.n)
	for i := range f.ready {
		id := strconv.Itoa(i)
		f.ready[i] = moderation.Update{Type: moderation.UpdateComment, Comment: moderation.Comment{
			Network: "bench", Account: "page", Kind: moderation.KindWallComment,
			ID: "bench:page:" + id, Ref: id, Author: moderation.Author{ID: "u" + strconv.Itoa(i%97), Name: "Житель"},
			Text: f.text, Created: now}}
	}
	for sent := 0; sent < f.n; sent += f.batch {
		f.cursors = append(f.cursors, []byte(strconv.Itoa(min(sent+f.batch, f.n))))
	}
}

func (f *floodConn) Fetch(ctx context.Context, cursor []byte) ([]moderation.Update, []byte, error) {
	if f.sent >= f.n {
		<-ctx.Done()
		return nil, cursor, ctx.Err()
	}
	k := min(f.batch, f.n-f.sent)
	if f.ready != nil {
		ups, next := f.ready[f.sent:f.sent+k], f.cursors[f.sent/f.batch]
		f.sent += k
		return ups, next, nil
	}
	ups := make([]moderation.Update, k)
	now := time.Now()
	for i := range ups {
		id := strconv.Itoa(f.sent + i)
		ups[i] = moderation.Update{Type: moderation.UpdateComment, Comment: moderation.Comment{
			Network: "bench", Account: "page", Kind: moderation.KindWallComment,
			ID: "bench:page:" + id, Ref: id, Author: moderation.Author{ID: "u" + strconv.Itoa(i%97), Name: "Житель"},
			Text: f.text, Created: now}}
	}
	f.sent += k
	return ups, []byte(strconv.Itoa(f.sent)), nil
}

func (f *floodConn) Capabilities() moderation.Capabilities                    { return moderation.Capabilities{} }
func (f *floodConn) Delete(context.Context, string) error                     { return nil }
func (f *floodConn) Restore(context.Context, string) error                    { return nil }
func (f *floodConn) Ban(context.Context, string, moderation.BanRequest) error { return nil }
func (f *floodConn) Unban(context.Context, string) error                      { return nil }
func (f *floodConn) Connect(context.Context) error                            { return nil }
func (f *floodConn) Close(context.Context) error                              { return nil }

type allowEngine struct{}

func (allowEngine) Evaluate(*moderation.Comment, moderation.History, *moderation.Result) {}

// BenchmarkPipeline_PerComment reports the pipeline's overhead per comment
// without the rules: queueing, deciding, history, the bbolt commit (batched,
// with fsync unless nosync) and the cursor. ns/op and allocs/op are per comment.
func BenchmarkPipeline_PerComment(b *testing.B) {
	for _, bc := range []struct {
		name   string
		batch  int
		noSync bool
	}{{"batch=100", 100, false}, {"batch=500", 500, false}, {"batch=500/nosync", 500, true}} {
		b.Run(bc.name, func(b *testing.B) {
			db, err := store.Open(filepath.Join(b.TempDir(), "strazh.db"), &store.Options{NoSync: bc.noSync})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			conn := &floodConn{n: b.N, batch: bc.batch, text: "Когда отремонтируют дорогу на улице Лесной? Третий год обещают, а ямы всё глубже."}
			conn.prepare()
			var done atomic.Int64
			finished := make(chan struct{})
			p, err := pipeline.New(pipeline.Options{Store: db, QueueSize: 4, OnDecision: func(*moderation.Decision) {
				if done.Add(1) == int64(b.N) {
					close(finished)
				}
			}}, allowEngine{}, []pipeline.Account{{Name: "page", Network: "bench", Conn: conn}})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			b.ReportAllocs()
			b.ResetTimer()
			errc := make(chan error, 1)
			go func() { errc <- p.Run(ctx) }()
			<-finished
			b.StopTimer()
			cancel()
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
		})
	}
}
