package vk

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// banMark makes districtEngine ban the author; obsceneMark deletes.
const banMark = "[бан]"

type districtEngine struct{}

func (districtEngine) Evaluate(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	if strings.Contains(c.Text, banMark) {
		out.Verdict = moderation.Ban
		out.Labels = append(out.Labels, "spam")
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.ban", Label: "spam", Action: moderation.Ban, Reason: "marked for a ban"})
		return
	}
	markEngine{}.Evaluate(c, h, out)
}

// district is two VK communities in one daemon whose connectors share one
// admin's user token: two fakes with one Meter (VK counts the token once),
// one pipeline with both pages, the daemon's shared limiters.
type district struct {
	fakes [2]*vktest.Server
	meter *vktest.Meter
	db    *store.DB
	pipe  *pipeline.Pipeline
	stop  func()
}

var districtPages = [2]string{"admin-vk", "glava-vk"}

func newDistrict(t testing.TB, local bool, banScope bool) *district {
	t.Helper()
	d := &district{meter: new(vktest.Meter)}
	lims := new(connectors.Limiters)
	var accounts []pipeline.Account
	for i, name := range []string{"Администрация района", "Глава района"} {
		opts := vktest.Options{GroupID: i + 1, GroupName: name, EnforceRate: true, Meter: d.meter}
		if local {
			d.fakes[i] = newLocalFake(t, opts)
		} else {
			d.fakes[i] = newFake(t, opts)
		}
		f := d.fakes[i]
		cfg := testConfig(f)
		cfg.UserRPS, cfg.CommunityRPS = 3, 20 // VK's own limits
		c := newConnector(cfg, connectors.Deps{Account: districtPages[i], HTTPClient: f.Client(), Logger: testLogger(t), Limiters: lims},
			[nTokens]string{community: f.CommunityToken(), user: f.UserToken()})
		accounts = append(accounts, pipeline.Account{Name: districtPages[i], Network: Network, Conn: c, BanDistrict: banScope && i == 0})
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	d.db = db
	d.pipe, err = pipeline.New(pipeline.Options{Store: db,
		Retry:       moderation.RetryPolicy{InitialInterval: 100 * time.Millisecond, MaxInterval: 2 * time.Second, MaxRetries: 30},
		RescanEvery: time.Second, ShutdownGrace: time.Second}, districtEngine{}, accounts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.pipe.Run(ctx) }()
	stopped := false
	d.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
			_ = db.Close()
		}
	}
	t.Cleanup(d.stop)
	for _, f := range d.fakes {
		waitFor(t, "long poll", func() bool { return len(f.Calls("a_check")) > 0 })
	}
	return d
}

// waitFor polls cond on the clock the test runs on (a synctest bubble's or
// the real one) for up to 10 minutes of it.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDistrict_TwoCommunitiesOneUserToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newDistrict(t, true, true)
		a, b := d.fakes[0], d.fakes[1]
		pa, pb := a.AddPost("Ремонт дорог"), b.AddPost("Приём граждан")
		// A burst on both pages at once: the admin's token must carry all
		// the deletions and bans at VK's 3 requests/s between them.
		var wallA, wallB []int
		for i := range 5 {
			wallA = append(wallA, a.AddComment(pa, 600+i, "реклама "+obsceneMark))
			wallB = append(wallB, b.AddComment(pb, 700+i, "грубость "+obsceneMark))
		}
		spam := a.AddComment(pa, 501, "купите окна "+banMark)
		keep := b.AddComment(pb, 502, "Спасибо за ремонт")
		waitFor(t, "every deletion", func() bool {
			for _, id := range wallA {
				if !a.Deleted(vktest.KindWall, id) {
					return false
				}
			}
			for _, id := range wallB {
				if !b.Deleted(vktest.KindWall, id) {
					return false
				}
			}
			return a.Deleted(vktest.KindWall, spam)
		})
		// On the page where they wrote and, carried over, on the other.
		waitFor(t, "the district ban", func() bool {
			_, onA := a.Bans()[501]
			_, onB := b.Bans()[501]
			return onA && onB
		})
		if b.Deleted(vktest.KindWall, keep) {
			t.Error("a citizen's thanks were deleted")
		}
		for i, f := range d.fakes {
			for id := range f.Bans() {
				if id != 501 {
					t.Errorf("%s: user %d banned, only 501 should be", districtPages[i], id)
				}
			}
		}
		if over := d.meter.Over(vktest.TokenUser); over > 0 {
			t.Errorf("VK answered error 6 to %d user-token requests: the pages did not share the token's rate", over)
		}
		if peak := d.meter.Peak(vktest.TokenUser); peak > 3 {
			t.Errorf("%d user-token requests in one second, VK allows 3", peak)
		}
		d.stop()
		// The ban on the other page is that page's decision, in its audit.
		var carried []*moderation.Decision
		db, err := store.Open(filepath.Join(filepath.Dir(d.db.Path()), "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Query(moderation.Query{Account: "glava-vk", Author: "501"}, func(x *moderation.Decision) error {
			carried = append(carried, x)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(carried) != 1 || !pipeline.IsDistrictBan(carried[0]) ||
			!slices.ContainsFunc(carried[0].Matches, func(m moderation.Match) bool { return m.Rule == "district.ban" }) {
			t.Errorf("glava-vk's decisions about 501: %+v, want one carried-over ban", carried)
		}
	})
}
