package pipeline_test

import (
	"context"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// idleConn is a connector that does nothing (only its size matters here).
type idleConn struct{}

func (idleConn) Capabilities() moderation.Capabilities                    { return moderation.Capabilities{Delete: true} }
func (idleConn) Delete(context.Context, string) error                     { return nil }
func (idleConn) Restore(context.Context, string) error                    { return nil }
func (idleConn) Ban(context.Context, string, moderation.BanRequest) error { return nil }
func (idleConn) Unban(context.Context, string) error                      { return nil }
func (idleConn) Connect(context.Context) error                            { return nil }
func (idleConn) Close(context.Context) error                              { return nil }
func (idleConn) Fetch(ctx context.Context, _ []byte) ([]moderation.Update, []byte, error) {
	<-ctx.Done()
	return nil, nil, ctx.Err()
}

// maxBytesPerAccount bounds what one idle account costs in the pipeline
// (with its metric series): a daemon holds a thousand (it was 1.5 MB with a
// pre-sized deduplication set).
const maxBytesPerAccount = 32 << 10

func TestPipeline_New_MemoryPerAccount(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 200
	accounts := make([]pipeline.Account, n)
	for i := range accounts {
		accounts[i] = pipeline.Account{Name: "page-" + strconv.Itoa(i), Network: "vk", Conn: idleConn{}}
	}
	before := heapInUse()
	p, err := pipeline.New(pipeline.Options{Store: db}, keywordEngine{}, accounts)
	if err != nil {
		t.Fatal(err)
	}
	per := (heapInUse() - before) / n
	runtime.KeepAlive(p)
	t.Logf("%d bytes per idle account", per)
	if per > maxBytesPerAccount {
		t.Errorf("an idle account takes %d bytes in the pipeline, want at most %d", per, maxBytesPerAccount)
	}
}

// TestPipeline_Run_GoroutinesPerIdleAccount: an idle account costs one
// goroutine in the pipeline (its reader, blocked in Fetch); deciders and
// actors run only while there is work.
func TestPipeline_Run_GoroutinesPerIdleAccount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		const n = 50
		accounts := make([]pipeline.Account, n)
		for i := range accounts {
			accounts[i] = pipeline.Account{Name: "page-" + strconv.Itoa(i), Network: "vk", Conn: idleConn{}}
		}
		p, err := pipeline.New(pipeline.Options{Store: db}, keywordEngine{}, accounts)
		if err != nil {
			t.Fatal(err)
		}
		base := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		time.Sleep(time.Second) // past the start-up rescans
		synctest.Wait()
		// Run itself, its gauge and rescan tickers: 3 whatever the count.
		per := float64(runtime.NumGoroutine()-base-3) / n
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		// NumGoroutine counts the whole process: allow two goroutines that
		// are not the pipeline's (a loaded machine's leftovers of other
		// tests); a second goroutine per account still gives 2.
		if per > 1+2.0/n {
			t.Errorf("%.2f goroutines per idle account, want 1 (the reader)", per)
		}
	})
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
