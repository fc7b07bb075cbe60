package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
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
