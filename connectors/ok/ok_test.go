package ok

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/ok/oktest"
	"github.com/strazh/strazh/moderation"
)

func md5s(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }

// TestSign_Doc: the signature is §2.1's, spelled out by hand here.
func TestSign_Doc(t *testing.T) {
	p := url.Values{"method": {"discussions.getComments"}, "application_key": {"CBAKEY"}, "format": {"json"},
		"count": {"100"}, "access_token": {"tok"}, "sig": {"old"}}
	secret := md5s("tok" + "appsecret")
	want := md5s("application_key=CBAKEY" + "count=100" + "format=json" + "method=discussions.getComments" + secret)
	if got := sign(p, sessionSecret("tok", "appsecret")); got != want {
		t.Fatalf("sig %s, want %s", got, want)
	}
	if got := oktest.Sign(p, "tok", "appsecret"); got != want {
		t.Fatalf("the fake signs differently: %s", got)
	}
}

func TestConnector_Connect_Credentials(t *testing.T) {
	f, tok := newFake(t)
	cases := []struct {
		name   string
		secret string
		token  string
		expire bool
		code   int
	}{
		{"bad secret gives 104", "wrong-secret", tok, false, 104},
		{"expired session gives 102", oktest.AppSecret, tok, true, 102},
		{"unknown token gives 103", oktest.AppSecret, "nope", false, 103},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.expire {
				f.Expire(tok)
				defer f.Revive(tok)
			}
			c := newConn(t, f, "ok-a", tc.token, nil)
			c.api.secret = sessionSecret(tc.token, tc.secret)
			err := c.Connect(context.Background())
			if moderation.Classify(err) != moderation.ClassCredentials || apiCode(err) != tc.code {
				t.Fatalf("Connect: %v (class %s)", err, moderation.Classify(err))
			}
			if strings.Contains(err.Error(), tc.token) && tc.token != "nope" {
				t.Fatalf("error shows the token: %v", err)
			}
		})
	}
	c := newConn(t, f, "ok-a", tok, nil)
	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("good keys: %v", err)
	}
}

func TestClassify_Codes(t *testing.T) {
	cases := []struct {
		code  int
		class moderation.ErrorClass
		wait  bool
	}{
		{2, moderation.ClassRetry, true}, {8, moderation.ClassRetry, true}, {11, moderation.ClassRetry, true},
		{1, moderation.ClassRetry, false}, {999, moderation.ClassRetry, false},
		{102, moderation.ClassCredentials, false}, {104, moderation.ClassCredentials, false},
		{10, moderation.ClassCredentials, false}, {200, moderation.ClassCredentials, false},
		{300, moderation.ClassItem, false}, {141, moderation.ClassItem, false}, {100, moderation.ClassItem, false},
	}
	for _, tc := range cases {
		c := &client{retry: moderation.RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute}}
		err := c.settle("m", &apiError{Code: tc.code, Msg: "x"})
		if got := moderation.Classify(err); got != tc.class {
			t.Errorf("code %d: class %s, want %s", tc.code, got, tc.class)
		}
		if got := moderation.RetryAfter(err) > 0; got != tc.wait {
			t.Errorf("code %d: wait %v, want a wait: %v", tc.code, moderation.RetryAfter(err), tc.wait)
		}
	}
}

func TestConfig_Validate(t *testing.T) {
	good := func() *Config {
		c := DefaultConfig()
		c.GroupID, c.ApplicationKey, c.ApplicationSecretKeyEnv, c.AccessTokenFile = 1, "K", "S", "t"
		return c
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	cases := []struct {
		key    string
		mutate func(*Config)
	}{
		{"group_id", func(c *Config) { c.GroupID = 0 }},
		{"api_url", func(c *Config) { c.APIURL = "ftp://x" }},
		{"application_key", func(c *Config) { c.ApplicationKey = "" }},
		{"application_secret_key_env", func(c *Config) { c.ApplicationSecretKeyEnv = "" }},
		{"access_token_env", func(c *Config) { c.AccessTokenEnv = "E" }},
		{"poll_interval", func(c *Config) { c.PollInterval = 0 }},
		{"catchup_topics", func(c *Config) { c.CatchupTopics = 101 }},
	}
	for _, tc := range cases {
		c := good()
		tc.mutate(c)
		if err := c.Validate(); err == nil || !strings.HasPrefix(err.Error(), tc.key+":") {
			t.Errorf("%s: %v", tc.key, err)
		}
	}
}

func TestConnector_Fetch_NewCommentDeleted(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	topic := f.AddTopic(testGID)
	id := f.AddComment(topic, "5810", "купите окна http://spam.example")
	d := newDriver(t, c, nil)
	ups := d.Fetch()
	if len(ups) != 1 {
		t.Fatalf("updates %+v", ups)
	}
	got := ups[0].Comment
	want := moderation.Comment{Network: "ok", Account: "ok-a", Kind: moderation.KindWallComment,
		ID: "ok:ok-a:" + topic + ":" + id, Ref: topic + ":" + id, PostID: topic,
		Permalink: fmt.Sprintf("https://ok.ru/group/%d/topic/%s", testGID, topic),
		Author:    moderation.Author{ID: "5810", Name: "Иван Петров", ProfileURL: "https://ok.ru/profile/5810"},
		Text:      "купите окна http://spam.example"}
	created := got.Created
	got.Created = time.Time{}
	if fmt.Sprint(got) != fmt.Sprint(want) || time.Since(created) > time.Minute || time.Since(created) < -time.Second {
		t.Fatalf("comment\n got %+v (created %v)\nwant %+v", got, created, want)
	}
	if err := c.Delete(context.Background(), got.Ref); err != nil || !f.Deleted(id) {
		t.Fatalf("Delete: %v, deleted %v", err, f.Deleted(id))
	}
	if err := c.Delete(context.Background(), topic+":bm9uZQ"); err != nil {
		t.Fatalf("deleting a comment that is gone must succeed: %v", err)
	}
	if len(d.Fetch()) != 0 || d.Dups != 0 {
		t.Fatalf("delivered again: %+v", d.All)
	}
}

func TestConnector_Fetch_PagesAndPageAuthor(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	topic := f.AddTopic(testGID)
	base := time.Now().Add(-time.Hour)
	for i := range 250 {
		f.AddCommentAt(topic, "5811", fmt.Sprintf("comment %d", i), base.Add(time.Duration(i)*time.Second))
	}
	f.AddComment(topic, fmt.Sprint(testGID), "ответ администрации")
	d := newDriver(t, c, nil)
	d.Fetch()
	if len(d.All) != 251 || d.Dups != 0 {
		t.Fatalf("want 251 comments once each over three pages, got %d (dups %d)", len(d.All), d.Dups)
	}
	if n := len(f.Calls("discussions.getComments")); n != 3 {
		t.Errorf("getComments calls %d, want 3", n)
	}
	if u := d.Find("ответ администрации"); len(u) != 1 || !u[0].Comment.Author.Exempt() {
		t.Errorf("the group's own comment: %+v", u)
	}
	// The next cycle reads one page only: everything is known.
	before := len(f.Calls("discussions.getComments"))
	d.Fetch()
	if n := len(f.Calls("discussions.getComments")) - before; n != 1 || len(d.All) != 251 {
		t.Errorf("second cycle: %d calls, %d updates", n, len(d.All))
	}
}

func TestConnector_Fetch_Epoch(t *testing.T) {
	f, tok := newFake(t)
	topic := f.AddTopic(testGID)
	f.AddCommentAt(topic, "5810", "старый", time.Now().Add(-48*time.Hour))
	c := newConn(t, f, "ok-a", tok, nil)
	c.epoch = time.Now().Add(-time.Hour)
	f.AddComment(topic, "5810", "новый")
	d := newDriver(t, c, nil)
	d.Fetch()
	if len(d.All) != 1 || d.All[0].Comment.Text != "новый" {
		t.Fatalf("only comments since the epoch: %+v", d.All)
	}
}

func TestConnector_Fetch_Edit(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	id := f.AddComment(f.AddTopic(testGID), "5810", "нормальный текст")
	d := newDriver(t, c, nil)
	d.Fetch()
	f.EditComment(id, "отредактированный текст")
	d.Fetch()
	first, edit := d.Find("нормальный текст"), d.Find("отредактированный текст")
	if len(first) != 1 || len(edit) != 1 || edit[0].Comment.ID != first[0].Comment.ID ||
		edit[0].Comment.Edited.IsZero() || !first[0].Comment.Edited.IsZero() {
		t.Fatalf("edit: %+v", d.All)
	}
	if len(d.Fetch()) != 0 {
		t.Fatal("the edit delivered twice")
	}
}

func TestConnector_Fetch_Restart(t *testing.T) {
	f, tok := newFake(t)
	topic := f.AddTopic(testGID)
	c1 := newConn(t, f, "ok-a", tok, nil)
	d := newDriver(t, c1, nil)
	f.AddComment(topic, "5810", "до остановки")
	d.Fetch()
	_ = c1.Close(context.Background())
	f.AddComment(topic, "5811", "пока лежали")
	f.AddComment(f.AddTopic(testGID), "5811", "новая тема пока лежали")
	c2 := newConn(t, f, "ok-a", tok, nil)
	d.c, d.Src = c2, c2
	d.Fetch()
	if d.Dups != 0 || len(d.All) != 3 || len(d.Find("пока лежали")) != 1 || len(d.Find("новая тема пока лежали")) != 1 {
		t.Fatalf("after restart: dups %d, %+v", d.Dups, d.All)
	}
}

// TestConnector_Fetch_KeepsInterval: a Fetch right after a cycle waits for
// the next one instead of calling OK.
func TestConnector_Fetch_KeepsInterval(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, func(cfg *Config) { cfg.PollInterval = time.Hour })
	if c.PollInterval() != time.Hour {
		t.Fatalf("PollInterval %v", c.PollInterval())
	}
	d := newDriver(t, c, nil)
	d.Fetch()
	calls := len(f.Calls(""))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := c.Fetch(ctx, d.Cur); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch within the interval: %v", err)
	}
	if n := len(f.Calls("")); n != calls {
		t.Fatalf("%d calls made within the interval", n-calls)
	}
}

func TestConnector_Fetch_RateLimitHoldsAccount(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	c.api.retry = moderation.RetryPolicy{InitialInterval: time.Hour, MaxInterval: time.Hour}
	f.AddComment(f.AddTopic(testGID), "5810", "текст")
	f.Fail("discussions.getComments", 8, 1)
	_, _, err := c.Fetch(context.Background(), nil)
	if moderation.Classify(err) != moderation.ClassRetry || moderation.RetryAfter(err) < 30*time.Minute {
		t.Fatalf("flood: %v (wait %v)", err, moderation.RetryAfter(err))
	}
	calls := len(f.Calls(""))
	if err := c.Delete(context.Background(), "1:2"); moderation.RetryAfter(err) == 0 {
		t.Fatalf("a call during the pause: %v", err)
	}
	if len(f.Calls("")) != calls {
		t.Fatal("a request was sent during the pause")
	}
}

func TestConnector_Fetch_Outage(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	f.Outage(502, 1)
	if _, _, err := c.Fetch(context.Background(), nil); moderation.Classify(err) != moderation.ClassRetry {
		t.Fatalf("outage: %v", err)
	}
	f.Fail("", 2, 1)
	if _, _, err := c.Fetch(context.Background(), nil); moderation.Classify(err) != moderation.ClassRetry || moderation.RetryAfter(err) == 0 {
		t.Fatalf("service error: %v", err)
	}
	if _, _, err := c.Fetch(context.Background(), nil); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
}

func TestConnector_BanRestore(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	id := f.AddComment(f.AddTopic(testGID), "5810", "оскорбление")
	d := newDriver(t, c, nil)
	d.Fetch()
	ctx := context.Background()
	if err := c.Ban(ctx, "5811", moderation.BanRequest{}); moderation.Classify(err) != moderation.ClassItem {
		t.Fatalf("ban of an author with no known comment: %v", err)
	}
	if err := c.Ban(ctx, "5810", moderation.BanRequest{Until: time.Now().Add(24 * time.Hour)}); !errors.Is(err, moderation.ErrUnsupported) {
		t.Fatalf("a timed ban must not be placed: %v", err)
	}
	if len(f.Bans()) != 0 {
		t.Fatal("blocked on a refused ban")
	}
	if err := c.Delete(ctx, d.All[0].Comment.Ref); err != nil {
		t.Fatal(err)
	}
	if err := c.Ban(ctx, "5810", moderation.BanRequest{Ref: d.All[0].Comment.Ref}); err != nil {
		t.Fatalf("Ban: %v", err)
	}
	if b := f.Bans(); len(b) != 1 || b[0].Author != "5810" || b[0].Comment != id {
		t.Fatalf("bans %+v", b)
	}
	if c.Capabilities().Has(moderation.ActRestore) || c.Capabilities().Has(moderation.ActUnban) {
		t.Fatal("OK cannot restore or unban")
	}
	if err := c.Restore(ctx, d.All[0].Comment.Ref); !errors.Is(err, moderation.ErrUnsupported) {
		t.Fatalf("Restore: %v", err)
	}
}

// TestConnector_Fetch_EmptyTopicThenComment: a topic saved in the cursor
// with no comments yet takes its first one (it panicked on a nil map).
func TestConnector_Fetch_EmptyTopicThenComment(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	topic := f.AddTopic(testGID)
	d := newDriver(t, c, nil)
	d.Fetch()
	f.AddComment(topic, "5810", "первый комментарий")
	d.Fetch()
	if len(d.Find("первый комментарий")) != 1 {
		t.Fatalf("updates %+v", d.All)
	}
}

// TestConnector_Fetch_BadCursor: an unreadable cursor does not wedge the
// account; the topics are read afresh.
func TestConnector_Fetch_BadCursor(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	f.AddComment(f.AddTopic(testGID), "5810", "текст")
	for _, raw := range []string{"{not json", `{"v":99}`, `{"v":1,"t":{"1":null}}`} {
		c.next = time.Time{}
		ups, next, err := c.Fetch(context.Background(), []byte(raw))
		if err != nil || len(ups) != 1 || len(next) == 0 {
			t.Fatalf("cursor %q: %v, %d updates", raw, err, len(ups))
		}
	}
}
