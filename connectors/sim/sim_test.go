package sim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
)

func newConn(t *testing.T, srv *simtest.Server, token string) *Conn {
	t.Helper()
	t.Setenv("SIM_TEST_TOKEN", token)
	cfg := DefaultConfig()
	cfg.APIURL, cfg.TokenEnv, cfg.PollWait = srv.URL, "SIM_TEST_TOKEN", time.Second
	c, err := New(cfg, connectors.Deps{Account: "page"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConn_Fetch_ConvertsEvents(t *testing.T) {
	srv := simtest.New()
	defer srv.Close()
	c := newConn(t, srv, simtest.Token)
	ctx := context.Background()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	id := srv.Post("p1", "u1", "Анна", "текст")
	srv.Post("p1", simtest.PageID, "Страница", "ответ страницы")
	srv.Post("p1", simtest.ManagerID, "Модератор", "ответ модератора")
	_ = srv.Edit(id, "новый текст")
	srv.BanByHand("u9", "spam")
	ups, next, err := c.Fetch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 5 || string(next) != "5" {
		t.Fatalf("got %d updates, cursor %q", len(ups), next)
	}
	if u := ups[0].Comment; u.ID != "sim:page:"+id || u.Ref != id || u.Author.Exempt() || !u.Edited.IsZero() {
		t.Errorf("comment: %+v", u)
	}
	if !ups[1].Comment.Author.IsPage || !ups[2].Comment.Author.IsManager {
		t.Error("the page and its manager are not marked exempt")
	}
	if ups[3].Comment.Edited.IsZero() || ups[3].Comment.Text != "новый текст" {
		t.Errorf("edit: %+v", ups[3].Comment)
	}
	if ups[4].Type != moderation.UpdateBlocked || ups[4].Author.ID != "u9" {
		t.Errorf("hand ban: %+v", ups[4])
	}
	ups, _, err = c.Fetch(ctx, next) // nothing new: waits poll_wait, returns empty
	if err != nil || len(ups) != 0 {
		t.Errorf("second fetch: %d, %v", len(ups), err)
	}
}

func TestConn_Errors_Classified(t *testing.T) {
	srv := simtest.New()
	defer srv.Close()
	ctx := context.Background()
	c := newConn(t, srv, simtest.Token)
	id := srv.Post("p1", "u1", "Анна", "текст")

	if err := c.Delete(ctx, "no-such"); err != nil {
		t.Errorf("deleting what is gone: %v, want success", err)
	}
	if err := c.Delete(ctx, id); err != nil || c.Delete(ctx, id) != nil {
		t.Errorf("delete twice: %v", err)
	}
	srv.FailNext("/api/comments/restore", 1, 429, 7)
	err := c.Restore(ctx, id)
	if moderation.Classify(err) != moderation.ClassRetry || moderation.RetryAfter(err) != 7*time.Second {
		t.Errorf("429: %v (wait %s)", err, moderation.RetryAfter(err))
	}
	srv.FailNext("/api/bans", 1, 500, 0)
	if err := c.Ban(ctx, "u1", moderation.BanRequest{}); moderation.Classify(err) != moderation.ClassRetry {
		t.Errorf("500: %v", err)
	}
	if _, _, err := c.Fetch(ctx, []byte("x")); !errors.Is(err, moderation.ErrItem) {
		t.Errorf("bad cursor: %v", err)
	}
	bad := newConn(t, srv, "wrong")
	if err := bad.Connect(ctx); !errors.Is(err, moderation.ErrCredentials) {
		t.Errorf("wrong token: %v", err)
	}
}

func TestConfig_Validate(t *testing.T) {
	c := Config{APIURL: "ftp://x", PollWait: 0}
	err := c.Validate()
	for _, want := range []string{"api_url", "token_env or token_file", "poll_wait"} {
		if err == nil || !contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// The page's answer from strazh is a comment by the page in the thread: it
// comes back marked as the page's, replying to the citizen's comment.
func TestConn_Reply_PageAnswersInTheThread(t *testing.T) {
	srv := simtest.New()
	defer srv.Close()
	c := newConn(t, srv, simtest.Token)
	ctx := context.Background()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	id := srv.Post("p1", "u1", "Анна", "Когда починят фонарь у дома 3?")
	ref, err := c.Reply(ctx, id, "Заявка передана, починим до пятницы.")
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Replies(id); len(got) != 1 || got[0] != "Заявка передана, починим до пятницы." {
		t.Fatalf("replies on the network = %q", got)
	}
	ups, _, err := c.Fetch(ctx, nil)
	if err != nil || len(ups) != 2 {
		t.Fatalf("fetch: %d updates, %v", len(ups), err)
	}
	if a := ups[1].Comment; a.Ref != ref || !a.Author.IsPage || a.ReplyTo != ups[0].Comment.ID {
		t.Errorf("answer as fetched: ref %q (want %q), page %v, reply to %q (want %q)", a.Ref, ref, a.Author.IsPage, a.ReplyTo, ups[0].Comment.ID)
	}
	if _, err := c.Reply(ctx, "c404", "ответ"); !errors.Is(err, moderation.ErrItem) {
		t.Errorf("reply to a missing comment: %v, want an item error", err)
	}
}
