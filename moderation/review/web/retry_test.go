package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/sim"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// allowAll is a rule engine that decides nothing: the tests store their
// decisions themselves.
type allowAll struct{}

func (allowAll) Evaluate(*moderation.Comment, moderation.History, *moderation.Result) {}

// simFixture is the console over the real pipeline, acting on the
// simulated network (not running: the console's calls act at once).
type simFixture struct {
	*fixture
	net  *simtest.Server
	pipe *pipeline.Pipeline
}

func newSimFixture(t *testing.T) *simFixture {
	t.Helper()
	net := simtest.New()
	t.Cleanup(net.Close)
	t.Setenv("SIM_TOKEN", simtest.Token)
	sf := &simFixture{net: net}
	sf.fixture = newFixtureWith(t, func(db *store.DB, d *Deps) {
		cfg := sim.DefaultConfig()
		cfg.APIURL, cfg.TokenEnv, cfg.PollWait = net.URL, "SIM_TOKEN", time.Second
		conn, err := sim.New(cfg, connectors.Deps{Account: "page", Epoch: db.Epoch()})
		if err != nil {
			t.Fatal(err)
		}
		sf.pipe, err = pipeline.New(pipeline.Options{Store: db, Appeals: pipeline.AppealOptions{Store: db},
			Retry: moderation.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: time.Millisecond, MaxRetries: 1}},
			allowAll{}, []pipeline.Account{{Name: "page", Network: "sim", Conn: conn}, {Name: "board", Network: "sim", Conn: noReply{conn}}})
		if err != nil {
			t.Fatal(err)
		}
		d.Moderation = sf.pipe
		d.Appeals = webAppeals{Pipeline: sf.pipe, db: db}
	})
	return sf
}

// noReply is a connector of a network that cannot answer from strazh.
type noReply struct{ moderation.Connector }

// webAppeals is the daemon's wiring of the appeals (cmd/strazh).
type webAppeals struct {
	*pipeline.Pipeline
	db *store.DB
}

func (a webAppeals) OpenAppeals(account string) ([]*moderation.Appeal, error) {
	return a.db.OpenAppeals(account)
}

func (a webAppeals) ClosedAppeals(account string, after uint64, limit int) ([]*moderation.Appeal, uint64, error) {
	return a.db.ClosedAppeals(account, after, limit)
}

func (a webAppeals) ClosedAppealsAt(account string, openedAt time.Time, after uint64, limit int) ([]*moderation.Appeal, uint64, error) {
	return a.db.ClosedAppealsAt(account, openedAt, after, limit)
}

// post puts a citizen's comment on the network and returns its network ID
// and the decision's comment.
func (sf *simFixture) post(text string) (string, moderation.Comment) {
	id := sf.net.Post("p1", "u1", "Иван", text)
	c := moderation.Comment{Network: "sim", Account: "page", Kind: moderation.KindWallComment, ID: moderation.MakeID("sim", "page", id),
		Ref: id, PostID: "p1", Author: moderation.Author{ID: "u1", Name: "Иван"}, Text: text, Created: time.Now()}
	return id, c
}

// failedDelete stores a moderator's «Удалить» whose delete the network
// refused.
func (sf *simFixture) failedDelete(text string) (string, uint64) {
	sf.t.Helper()
	id, c := sf.post(text)
	d := &moderation.Decision{Comment: c, Version: c.Version(), Verdict: moderation.Review, DecidedBy: moderation.ByAuto,
		DecidedAt: time.Now().Add(-time.Hour),
		Review:    &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Delete, By: "telegram:5", ByName: "Оля", At: time.Now()},
		Actions:   []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionFailed, Attempts: 1, Error: "sim: delete " + id + ": HTTP 400"}}}
	out, err := sf.db.Commit("page", []*moderation.Decision{d}, nil)
	if err != nil {
		sf.t.Fatal(err)
	}
	return id, out[0].ID
}

func TestServer_Retry_FailedActionDoneOnNetwork(t *testing.T) {
	sf := newSimFixture(t)
	cid, id := sf.failedDelete("комментарий, который не удалился")
	sf.net.BreakItem(cid, http.StatusBadRequest) // the network still refuses
	c := sf.client()
	_, csrf := c.login("mod", "password-mod")

	for _, p := range []string{"/queue", "/audit"} {
		_, page, _ := c.do("GET", p, nil)
		if !strings.Contains(page, `value="retry"`) || !strings.Contains(page, "Повторить") || !strings.Contains(page, "HTTP 400") {
			t.Fatalf("%s offers no «Повторить» with the failure:\n%s", p, page)
		}
	}
	retry := url.Values{"csrf": {csrf}, "id": {itoa(id)}, "action": {"retry"}}
	code, _, h := c.do("POST", "/decide", retry)
	if code != http.StatusSeeOther {
		t.Fatalf("retry: %d", code)
	}
	_, page, _ := c.do("GET", h.Get("Location"), nil)
	if sf.net.Deleted(cid) || !strings.Contains(page, `id="outcome-failed"`) {
		t.Fatalf("a retry the network refused: deleted %v, the page does not say it failed:\n%s", sf.net.Deleted(cid), page)
	}

	sf.net.BreakItem(cid, 0)
	if code, _, _ = c.do("POST", "/decide", retry); code != http.StatusSeeOther {
		t.Fatalf("second retry: %d", code)
	}
	if !sf.net.Deleted(cid) {
		t.Fatal("the retry did not delete the comment on the network")
	}
	d, _ := sf.db.Get(id)
	if d.Actions[0].State != moderation.ActionDone {
		t.Errorf("action %+v, want done", d.Actions[0])
	}
	_, page, _ = c.do("GET", "/queue", nil)
	if strings.Contains(page, "failed-"+itoa(id)) {
		t.Errorf("the queue still lists the decision as failed")
	}
	// Nothing left to retry: the page says it is done, nothing is called.
	n := sf.net.Calls("delete", cid)
	_, _, h = c.do("POST", "/decide", retry)
	if !strings.Contains(h.Get("Location"), "already=1") || sf.net.Calls("delete", cid) != n {
		t.Errorf("a retry of a decision without failures: %q, network calls %d → %d", h.Get("Location"), n, sf.net.Calls("delete", cid))
	}
}

func TestServer_Retry_Refused(t *testing.T) {
	sf := newSimFixture(t)
	cid, id := sf.failedDelete("комментарий, который не удалился")
	tests := []struct {
		name, user string
		csrf       bool
		want       int
	}{
		{"viewer", "view", true, http.StatusForbidden},
		{"no CSRF token", "mod", false, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sf.client()
			_, csrf := c.login(tt.user, "password-"+tt.user)
			if !tt.csrf {
				csrf = "x"
			}
			if code, _, _ := c.do("POST", "/decide", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "action": {"retry"}}); code != tt.want {
				t.Errorf("%d, want %d", code, tt.want)
			}
			if sf.net.Calls("delete", cid) != 0 {
				t.Errorf("a refused retry reached the network")
			}
		})
	}
	c := sf.client()
	c.login("view", "password-view")
	if _, page, _ := c.do("GET", "/audit", nil); strings.Contains(page, `value="retry"`) || !strings.Contains(page, "HTTP 400") {
		t.Errorf("a viewer's audit offers «Повторить» or hides the failure")
	}
}
