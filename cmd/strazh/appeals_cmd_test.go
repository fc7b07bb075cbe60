package main

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
)

// `strazh appeals` while the daemon runs goes through its socket: the list
// shows the open appeal, `close -as not-appeal` closes it in the daemon
// (the gauges drop at once), a second closing is refused naming who closed
// it. With the daemon stopped the store answers: the closed state is kept,
// and `close -as elsewhere` closes another.
func TestCmdAppeals_ThroughDaemonThenStopped(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	td := startTestDaemon(t, net)
	net.Post("p1", "u1", "Анна", "Когда отремонтируют дорогу на улице Лесной? Там яма на яме.")
	net.Post("p1", "u2", "Борис", "Почему не вывозят мусор во дворе дома 5 уже неделю?")
	var rows []appealRow
	waitFor(t, "two open appeals listed through the socket", func() bool {
		out, _, code := td.cli(t, "appeals", "-config", td.cfgPath, "-json")
		rows = nil
		return code == 0 && json.Unmarshal([]byte(out), &rows) == nil && len(rows) == 2
	})
	for _, r := range rows {
		if r.State != "open" || r.Account != "page" || r.Author == "" || r.Deadline.IsZero() {
			t.Errorf("row %+v", r)
		}
	}
	table, _, _ := td.cli(t, "appeals", "-config", td.cfgPath)
	if !strings.Contains(table, "ID") || !strings.Contains(table, "DEADLINE") || !strings.Contains(table, "roads") {
		t.Errorf("table:\n%s", table)
	}
	var road string
	for _, r := range rows {
		if r.Topic == "roads" {
			road = strconv.FormatUint(r.ID, 10)
		}
	}
	if road == "" {
		t.Fatalf("no roads appeal in %+v", rows)
	}
	out, errOut, code := td.cli(t, "appeals", "close", "-as", "not-appeal", "-config", td.cfgPath, road)
	if code != 0 || !strings.Contains(out, "closed as not-appeal by cli") {
		t.Fatalf("close through the socket: %d %q %q", code, out, errOut)
	}
	if _, body := get(t, "http://"+td.metrics+"/metrics"); !strings.Contains(body, `strazh_appeals_open{account="page"} 1`) {
		t.Errorf("strazh_appeals_open after closing one of two is not 1")
	}
	if _, errOut, code := td.cli(t, "appeals", "close", "-as", "elsewhere", "-config", td.cfgPath, road); code == 0 ||
		!strings.Contains(errOut, "closed already, by cli") {
		t.Errorf("second closing: %d %q", code, errOut)
	}
	if _, _, code := td.cli(t, "appeals", "close", "-as", "spam", "-config", td.cfgPath, road); code == 0 {
		t.Error("-as spam accepted")
	}
	if _, _, code := td.cli(t, "appeals", "close", "-as", "elsewhere", "-config", td.cfgPath, "999"); code == 0 {
		t.Error("closing an unknown appeal succeeded")
	}

	td.cancel() // stop the daemon; the cleanup reads the result again
	err := <-td.done
	td.done <- err
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code = td.cli(t, "appeals", "-config", td.cfgPath, "-json")
	if code != 0 {
		t.Fatalf("list with the daemon stopped: %d %s", code, errOut)
	}
	rows = nil
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 1 || rows[0].Topic == "roads" {
		t.Fatalf("open appeals with the daemon stopped: %s (%v)", out, err)
	}
	rubbish := strconv.FormatUint(rows[0].ID, 10)
	if out, errOut, code := td.cli(t, "appeals", "close", "-as", "elsewhere", "-config", td.cfgPath, rubbish); code != 0 ||
		!strings.Contains(out, "closed as elsewhere") {
		t.Fatalf("close with the daemon stopped: %d %q %q", code, out, errOut)
	}
	out, _, _ = td.cli(t, "appeals", "-config", td.cfgPath, "-all", "-json")
	rows = nil
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("-all: %s (%v)", out, err)
	}
	states := map[string]appealRow{}
	for _, r := range rows {
		states[strconv.FormatUint(r.ID, 10)] = r
	}
	if r := states[road]; r.State != "not-appeal" || !strings.HasPrefix(r.ClosedBy, "cli") || r.ClosedAt.IsZero() {
		t.Errorf("the not-appeal after the daemon stopped: %+v", r)
	}
	if r := states[rubbish]; r.State != "elsewhere" || r.OnTime == nil || !*r.OnTime {
		t.Errorf("the one answered elsewhere: %+v", r)
	}
	if out, _, _ := td.cli(t, "appeals", "-config", td.cfgPath); strings.Contains(out, "rubbish") || strings.Contains(out, "roads") {
		t.Errorf("closed appeals listed as open:\n%s", out)
	}
}

// Closed with the daemon stopped, the appeal's card in the review chat is
// queued for an edit, so the next start shows it closed instead of
// «Ждёт ответа» with its buttons.
func TestDBAppeals_Close_QueuesTheCardsEdit(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	if _, err := db.OpenAppeal(&moderation.Appeal{DecisionID: 7, Account: "page", CommentID: "vk:page:1", Topic: "roads",
		OpenedAt: now.Add(-time.Hour), Deadline: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	shown := &cardstore.AppealCard{DecisionID: 7, ChatID: -100, Msg: "55", Rev: 2, Shown: 2, Step: "close"}
	if err := db.PutAppealCard(shown); err != nil {
		t.Fatal(err)
	}
	if _, err := (dbAppeals{db}).close(context.Background(), 7, moderation.ClosedElsewhere, "cli:anna"); err != nil {
		t.Fatal(err)
	}
	c, err := db.AppealCard(7)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Todo() || c.Shown >= c.Rev || c.Step != "" {
		t.Errorf("card after closing with the daemon stopped: %+v, want an edit queued (Shown < Rev) and no second step", c)
	}
	todo, err := db.AppealCardsTodo()
	if err != nil || len(todo) != 1 {
		t.Errorf("cards to work on: %d, %v", len(todo), err)
	}
	// No card (no review chat): none is made.
	if _, err := db.OpenAppeal(&moderation.Appeal{DecisionID: 8, Account: "page", CommentID: "vk:page:2", Topic: "roads",
		OpenedAt: now, Deadline: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := (dbAppeals{db}).close(context.Background(), 8, moderation.ClosedNotAppeal, "cli:anna"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AppealCard(8); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("a card was made for an appeal without one: %v", err)
	}
}

// An appeal nobody answered is closed by the store's maintenance at the
// history horizon: `strazh appeals` no longer lists it, `-all` shows it as
// expired, not on time, closed by strazh.
func TestCmdAppeals_ExpiredListedWithAll(t *testing.T) {
	opened := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	now := opened.Add(store.MinHistoryRetention + time.Hour)
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true, Retention: 30 * 24 * time.Hour,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.OpenAppeal(&moderation.Appeal{DecisionID: 7, Account: "page", CommentID: "vk:page:1", Topic: "roads",
		OpenedAt: opened, Deadline: opened.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Maintain(); err != nil {
		t.Fatal(err)
	}
	b := dbAppeals{db}
	if open, err := b.list(context.Background(), false); err != nil || len(open) != 0 {
		t.Fatalf("open appeals = %v, %v; want none", open, err)
	}
	all, err := b.list(context.Background(), true)
	if err != nil || len(all) != 1 {
		t.Fatalf("-all = %v, %v", all, err)
	}
	r := appealRowOf(all[0], now)
	if r.State != "expired" || r.OnTime == nil || *r.OnTime || r.ClosedBy != "strazh" || !r.ClosedAt.Equal(now) {
		t.Fatalf("row = %+v, want expired, not on time, closed by strazh at %s", r, now)
	}
}
