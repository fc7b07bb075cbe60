package vk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// docErrors is the errors list of docs/platform-apis.md §1.8, as written
// there, with the class each must get. A code added to the doc is added
// here; TestClassify_Codes fails for one the connector does not class.
type codeCase struct {
	code  int
	class moderation.ErrorClass
	wait  time.Duration
}

var docErrors = []codeCase{
	// Retry with back-off.
	{1, moderation.ClassRetry, waitRetry},
	{6, moderation.ClassRetry, waitRetry},
	{10, moderation.ClassRetry, waitRetry},
	{9, moderation.ClassRetry, 0}, // the client sets the wait per method
	{29, moderation.ClassRetry, 0},
	{1105, moderation.ClassRetry, waitAuthFlood},
	// Token or configuration: alert a human.
	{5, moderation.ClassCredentials, 0},
	{14, moderation.ClassCredentials, 0},
	{16, moderation.ClassCredentials, 0},
	{17, moderation.ClassCredentials, 0},
	{25, moderation.ClassCredentials, 0},
	{27, moderation.ClassCredentials, 0},
	{28, moderation.ClassCredentials, 0},
	{1117, moderation.ClassCredentials, 0},
	{3609, moderation.ClassCredentials, 0},
	{3610, moderation.ClassCredentials, 0},
	{3611, moderation.ClassCredentials, 0},
	{125, moderation.ClassCredentials, 0},
	{203, moderation.ClassCredentials, 0},
	// Skip the item.
	{15, moderation.ClassItem, 0},
	{18, moderation.ClassItem, 0},
	{30, moderation.ClassItem, 0},
	{104, moderation.ClassItem, 0},
	{113, moderation.ClassItem, 0},
	{183, moderation.ClassItem, 0},
	{210, moderation.ClassItem, 0},
	{211, moderation.ClassItem, 0},
	{212, moderation.ClassItem, 0},
	{924, moderation.ClassItem, 0},
	{925, moderation.ClassItem, 0},
	// Our bug; restore of a live comment (Restore treats it as success).
	{100, moderation.ClassItem, 0},
	{243, moderation.ClassItem, 0},
}

func TestClassify_Codes(t *testing.T) {
	tests := append(slices.Clone(docErrors),
		codeCase{7, moderation.ClassCredentials, 0}, // not in the doc's list; VK's "permission denied"
		codeCase{4242, moderation.ClassRetry, 0},    // unknown: retried knowingly
	)
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			err := classify("wall.deleteComment", &api.Error{Code: api.ErrorType(tt.code), Message: "x"})
			if got := moderation.Classify(err); got != tt.class {
				t.Errorf("class %s, want %s (%v)", got, tt.class, err)
			}
			if got := moderation.RetryAfter(err); got != tt.wait {
				t.Errorf("wait %s, want %s", got, tt.wait)
			}
			if apiCode(err) != tt.code {
				t.Errorf("code lost in %v", err)
			}
		})
	}
}

// TestClassify_Codes_EveryDocCodeClassed: no code of the doc's list falls
// to the unknown-code default by accident, and no classed code is untested.
func TestClassify_Codes_EveryDocCodeClassed(t *testing.T) {
	inDoc := map[int]bool{7: true} // 7 is classed without being in the list
	for _, e := range docErrors {
		inDoc[e.code] = true
		if _, ok := codeClasses[e.code]; !ok {
			t.Errorf("code %d of the doc is not classed", e.code)
		}
	}
	for code := range codeClasses {
		if !inDoc[code] {
			t.Errorf("code %d is classed but not in the doc's table test", code)
		}
	}
}

func TestClassify_MissingRightSubcode(t *testing.T) {
	tests := []struct {
		sub  int
		want moderation.ErrorClass
	}{
		{0, moderation.ClassItem},
		{1133, moderation.ClassCredentials},
		{1134, moderation.ClassCredentials},
		{1, moderation.ClassItem},
	}
	for _, tt := range tests {
		err := classify("photos.deleteComment", &api.Error{Code: 15, Subcode: api.ErrorSubtype(tt.sub), Message: "Access denied"})
		if got := moderation.Classify(err); got != tt.want {
			t.Errorf("15/%d: class %s, want %s (%v)", tt.sub, got, tt.want, err)
		}
		if apiCode(err) != 15 {
			t.Errorf("15/%d: code lost in %v", tt.sub, err)
		}
	}
}

func TestClassify_Transport(t *testing.T) {
	var back *moderation.BackOffError
	for name, err := range map[string]error{
		"net":          &net.OpError{Op: "dial", Err: errors.New("refused")},
		"deadline":     context.DeadlineExceeded,
		"content type": &api.InvalidContentType{ContentType: "text/html"},
	} {
		if got := classify("m", err); !errors.As(got, &back) {
			t.Errorf("%s: %v is not a BackOffError", name, got)
		}
	}
	if got := classify("m", context.Canceled); got != context.Canceled {
		t.Errorf("cancellation changed: %v", got)
	}
}

// TestConnector_Faults injects VK's errors and broken connections into the
// scenario of one comment.
func TestConnector_Faults(t *testing.T) {
	ctx := context.Background()
	t.Run("transient long poll faults are retried", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, nil)
		connect(t, c)
		d := newDriver(t, c, nil)
		f.AddComment(f.AddPost("p"), 501, "a")
		f.Drop("a_check", 2)
		f.Fail("groups.getLongPollServer", 10, 1)
		d.Until("a", d.Has("a"))
		if n := len(f.Calls("a_check")); n < 3 {
			t.Errorf("a_check %d times", n)
		}
	})
	t.Run("persistent long poll faults surface as back-off", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, nil)
		connect(t, c)
		f.Drop("a_check", 100)
		_, _, err := c.Fetch(ctx, nil)
		var back *moderation.BackOffError
		if !errors.As(err, &back) {
			t.Fatalf("want BackOffError, got %v", err)
		}
	})
	t.Run("slow answers time out and are retried", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, func(cfg *Config) { cfg.RequestTimeout = 50 * time.Millisecond })
		f.Slow("wall.deleteComment", time.Second, 1)
		err := c.Delete(ctx, "wall:-1:1")
		if err == nil || moderation.Classify(err) != moderation.ClassRetry {
			t.Fatalf("slow delete: %v", err)
		}
	})
	for code, want := range map[int]moderation.ErrorClass{
		5: moderation.ClassCredentials, 6: moderation.ClassRetry, 9: moderation.ClassRetry,
		10: moderation.ClassRetry, 14: moderation.ClassCredentials, 27: moderation.ClassCredentials,
		29: moderation.ClassRetry,
	} {
		t.Run(fmt.Sprintf("delete gets %d", code), func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			c := newConn(t, f, nil)
			id := f.AddComment(f.AddPost("p"), 501, "x")
			f.Fail("wall.deleteComment", code, 1)
			err := c.Delete(ctx, fmt.Sprintf("wall:-1:%d", id))
			if got := moderation.Classify(err); got != want {
				t.Fatalf("class %s, want %s: %v", got, want, err)
			}
			if code == codeFlood || code == codeMethodLimit {
				time.Sleep(moderation.RetryAfter(err)) // the method is held back that long (5..20ms here)
			}
			if err := c.Delete(ctx, fmt.Sprintf("wall:-1:%d", id)); err != nil || !f.Deleted(vktest.KindWall, id) {
				t.Fatalf("retry: %v", err)
			}
		})
	}
	t.Run("delete of a missing comment (104) is done", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, nil)
		if err := c.Delete(ctx, "wall:-1:999"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bad refs and authors are permanent", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, nil)
		for _, err := range []error{c.Delete(ctx, "nonsense"), c.Delete(ctx, "wall:x:1"),
			c.Ban(ctx, "abc", moderation.BanRequest{}), c.Unban(ctx, "")} {
			if !errors.Is(err, moderation.ErrItem) {
				t.Errorf("want ErrItem, got %v", err)
			}
		}
	})
}

func TestConnector_Credentials(t *testing.T) {
	ctx := context.Background()
	t.Run("community token broken", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, nil)
		f.RevokeToken(vktest.TokenCommunity, true)
		if err := c.Connect(ctx); !errors.Is(err, moderation.ErrCredentials) {
			t.Fatalf("Connect: %v", err)
		}
		if _, _, err := c.Fetch(ctx, nil); !errors.Is(err, moderation.ErrCredentials) {
			t.Fatalf("Fetch: %v", err)
		}
	})
	t.Run("user token broken: reading goes on", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, nil)
		connect(t, c)
		d := newDriver(t, c, nil)
		d.Fetch()
		f.RevokeToken(vktest.TokenUser, true)
		c2 := newConn(t, f, nil)
		if err := c2.Connect(ctx); err != nil {
			t.Fatalf("Connect with only the user token broken: %v", err)
		}
		// Fetch reports the user token once, then reads with the community
		// token; the restart's catch-up (user token) fails and is reported
		// once more.
		if _, _, err := c2.Fetch(ctx, d.Cur); !errors.Is(err, moderation.ErrCredentials) {
			t.Fatalf("first Fetch: %v", err)
		}
		d2 := newDriver(t, c2, d.Cur)
		id := f.AddComment(f.AddPost("p"), 501, "still read")
		d2.Fetch()
		if _, _, err := c2.Fetch(ctx, d2.Cur); !errors.Is(err, moderation.ErrCredentials) {
			t.Fatalf("Fetch after the catch-up: %v", err)
		}
		d2.Until("still read", d2.Has("still read"))
		err := c2.Delete(ctx, fmt.Sprintf("wall:-1:%d", id))
		if !errors.Is(err, moderation.ErrCredentials) {
			t.Fatalf("Delete: %v", err)
		}
		if err := c2.Ban(ctx, "501", moderation.BanRequest{}); !errors.Is(err, moderation.ErrCredentials) {
			t.Fatalf("Ban: %v", err)
		}
	})
	t.Run("community token on a user-only method", func(t *testing.T) {
		f := newFake(t, vktest.Options{})
		c := newConn(t, f, nil)
		err := c.api.call(ctx, community, "wall.deleteComment", api.Params{"owner_id": -1, "comment_id": 1}, nil)
		if !errors.Is(err, moderation.ErrCredentials) || apiCode(err) != 27 {
			t.Fatalf("got %v", err)
		}
	})
}
