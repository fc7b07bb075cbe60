package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/report"
	"github.com/strazh/strazh/report/reporttest"
)

const reportConfig = `state_dir: %s
rules: {builtin: ru}
accounts:
  - name: admin-vk
    network: vk
    group_id: 1
    community_token_env: STRAZH_TEST_REPORT_UNSET
  - name: glava-vk
    network: vk
    group_id: 2
    community_token_env: STRAZH_TEST_REPORT_UNSET
`

// The daemon stopped: the report reads the database itself, appeals and
// security events included.
func TestCmdReport_FromDatabase(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, reportConfig, dir), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(dir, "strazh.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := report.PeriodEnding("week", time.Now(), time.Local)
	if _, _, _, err := reporttest.Month(db, p.Until); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, errOut, code := runCLI(context.Background(), "report", "-config", cfgPath, "-period", "week", "-format", "md")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"# Отчёт о работе с комментариями", "| admin-vk | 14 |", "| мат |", "## Обращения граждан", "| дороги | 2 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The account guard keeps its events in the store: the section is there
	// (none happened in this store).
	if !strings.Contains(out, "## События безопасности\n\nСобытий не было.") {
		t.Errorf("the report lacks the security events read from the store:\n%s", out)
	}
	htmlFile := filepath.Join(dir, "r.html")
	if _, errOut, code := runCLI(context.Background(), "report", "-config", cfgPath, "-period", "month", "-o", htmlFile); code != 0 {
		t.Fatalf("html: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(htmlFile); !strings.Contains(string(b), `<html lang="ru">`) || !strings.Contains(string(b), `<svg`) {
		t.Errorf("html report without its charts: %.300s", b)
	}
}

func TestCmdReport_BadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ args, want string }{
		{"-period year", `-period "year": want week or month`},
		{"-format docx", `-format "docx": want html, pdf or md`},
		// A directory was said as "rename …/.x.123 …: file exists", after
		// the whole report was built.
		{"-o " + dir, "-o " + dir + ": a directory: give a file name"},
	} {
		_, errOut, code := runCLI(context.Background(), append([]string{"report", "-config", "x.yaml"}, strings.Fields(c.args)...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %s", c.args, code, errOut)
		}
	}
}

// While the daemon runs it holds the database: the report comes through
// its admin socket, counting what the daemon decided.
func TestCmdReport_ThroughDaemon(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	td := startTestDaemon(t, net)
	id := net.Post("p1", "u2", "Борис", "да вы охуели совсем, пиздец")
	waitFor(t, "obscene comment deleted", func() bool { return net.Deleted(id) })
	sock := filepath.Join(filepath.Dir(td.cfgPath), "state", "strazh.sock")
	q := url.Values{"kind": {"week"}, "since": {time.Now().Add(-time.Hour).Format(time.RFC3339)}, "until": {time.Now().Add(time.Hour).Format(time.RFC3339)}}
	var r report.Report
	if err := newSocketBackend(sock).call(context.Background(), http.MethodGet, "/v1/report?"+q.Encode(), nil, &r); err != nil {
		t.Fatal(err)
	}
	if r.Comments != 1 || r.Deleted != 1 || len(r.ByReason) != 1 || r.ByReason[0].Key != "obscenity" {
		t.Errorf("report through the daemon: %d comments, %d deleted, reasons %+v", r.Comments, r.Deleted, r.ByReason)
	}
	if err := newSocketBackend(sock).call(context.Background(), http.MethodGet, "/v1/report?since=x", nil, &r); err == nil {
		t.Error("a bad query was answered")
	}
}
