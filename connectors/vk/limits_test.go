package vk

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// TestPipeline_MethodLimit_OtherActionsGoOn: VK answers 29 (or 9) to every
// wall.deleteComment. The page's other actions (a board post, deleted with
// the community token) go on at once, and the wall deletion is tried again
// within max_interval, not after VK's ten minutes (one for 9). On synctest's
// clock.
func TestPipeline_MethodLimit_OtherActionsGoOn(t *testing.T) {
	for _, code := range []int{codeMethodLimit, codeFlood} {
		t.Run("error "+strconv.Itoa(code), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				policy := moderation.RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute, MaxRetries: 30}
				f := newLocalFake(t, vktest.Options{})
				c := newConn(t, f, func(cfg *Config) {
					cfg.RetryPolicy = moderation.RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute, MaxRetries: 5}
				})
				r := startPipeline(t, t.TempDir(), c, func(o *pipeline.Options) { o.Retry, o.RescanEvery = policy, time.Minute })
				until := func(what string, limit time.Duration, cond func() bool) time.Duration {
					t.Helper()
					start := time.Now()
					for !cond() {
						if time.Since(start) > limit {
							t.Fatalf("no %s within %s", what, limit)
						}
						time.Sleep(100 * time.Millisecond)
					}
					return time.Since(start)
				}
				until("long poll", time.Minute, func() bool { return len(f.Calls("a_check")) > 0 })
				post, topic := f.AddPost("p"), f.AddTopic("t")
				f.Fail("wall.deleteComment", code, 10000)
				f.AddComment(post, 501, "на стене "+obsceneMark)
				until("wall deletion tried", time.Minute, func() bool { return len(f.Calls("wall.deleteComment")) > 0 })
				board := f.AddBoardPost(topic, 502, "в обсуждении "+obsceneMark)
				if took := until("board deletion", 15*time.Minute, func() bool { return f.Deleted(vktest.KindBoard, board) }); took > 5*time.Second {
					t.Errorf("the board post waited %s behind the limited wall method", took)
				}
				time.Sleep(5 * time.Minute)
				calls := f.Calls("wall.deleteComment")
				r.stop()
				if len(calls) < 6 {
					t.Errorf("wall.deleteComment tried %d times in 5 minutes, want it retried at the back-off (1s doubling to 1m)", len(calls))
				}
				for i := 1; i < len(calls); i++ {
					if gap := calls[i].At.Sub(calls[i-1].At); gap > policy.MaxInterval+time.Second {
						t.Errorf("wall.deleteComment retried after %s (max_interval %s)", gap, policy.MaxInterval)
					}
				}
			})
		})
	}
}

// TestClient_Call_HoldsOnlyTheLimitedMethod: after a 29 the method fails at
// once (no request) until its back-off passes; other methods and tokens
// go on; a call VK takes releases it.
func TestClient_Call_HoldsOnlyTheLimitedMethod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newLocalFake(t, vktest.Options{})
		c := newConn(t, f, func(cfg *Config) {
			cfg.RetryPolicy = moderation.RetryPolicy{InitialInterval: 2 * time.Second, MaxInterval: 10 * time.Second, MaxRetries: 5}
		})
		ctx := context.Background()
		post, topic := f.AddPost("p"), f.AddTopic("t")
		ids := []int{f.AddComment(post, 501, "a"), f.AddComment(post, 501, "b")}
		board := f.AddBoardPost(topic, 501, "c")
		ref := func(id int) string { return "wall:-1:" + strconv.Itoa(id) }
		f.Fail("wall.deleteComment", codeMethodLimit, 1)

		err := c.Delete(ctx, ref(ids[0]))
		wait := moderation.RetryAfter(err)
		if moderation.Classify(err) != moderation.ClassRetry || wait < time.Second || wait > 2*time.Second {
			t.Fatalf("first 29: %v (wait %s, want 1s..2s: initial_interval with jitter)", err, wait)
		}
		err = c.Delete(ctx, ref(ids[1]))
		var back *moderation.BackOffError
		if !errors.As(err, &back) || back.Wait <= 0 || back.Wait > wait {
			t.Fatalf("held method: %v", err)
		}
		if n := len(f.Calls("wall.deleteComment")); n != 1 {
			t.Fatalf("a held method made %d requests, want 1", n)
		}
		if err := c.Delete(ctx, "board:"+strconv.Itoa(topic)+":"+strconv.Itoa(board)); err != nil {
			t.Fatalf("another method held too: %v", err)
		}
		time.Sleep(wait)
		for _, id := range ids {
			if err := c.Delete(ctx, ref(id)); err != nil || !f.Deleted(vktest.KindWall, id) {
				t.Fatalf("after the wait: %v", err)
			}
		}
	})
}
