package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review/telegramtest"
	"github.com/strazh/strazh/moderation/store"
)

// The account guard and strazh doctor against the VK and Telegram fakes.

const guardVKConfig = `state_dir: %s
metrics: {listen: "%s"}
log: {level: error}
rules: {builtin: ru}
%s
accounts:
  - name: admin-vk
    network: vk
    group_id: %d
    api_url: %s
    community_token_env: STRAZH_GUARD_VK_COMMUNITY
    user_token_env: STRAZH_GUARD_VK_USER
    long_poll_wait: 1s
`

// guardConfig writes a config for one VK account on f (telegram: the
// review chat's section, or "").
func guardConfig(t *testing.T, f *vktest.Server, metrics, telegram string) string {
	t.Helper()
	t.Setenv("STRAZH_GUARD_VK_COMMUNITY", f.CommunityToken())
	t.Setenv("STRAZH_GUARD_VK_USER", f.UserToken())
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	body := fmt.Sprintf(guardVKConfig, filepath.Join(dir, "state"), metrics, telegram, f.GroupID(), f.MethodURL())
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func doctorJSON(t *testing.T, cfg string) (doctorReport, int) {
	t.Helper()
	out, errOut, code := runCLI(context.Background(), "doctor", "-config", cfg, "-json")
	var rep doctorReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("doctor -json: %v\nout %s\nerr %s", err, out, errOut)
	}
	return rep, code
}

func TestDoctor_Direct_HealthyAndBroken(t *testing.T) {
	tests := []struct {
		name     string
		script   func(f *vktest.Server)
		code     int
		broken   string // token
		missing  string
		contains string // in the Russian table
	}{
		{"healthy", func(*vktest.Server) {}, 0, "", "", "Итог: всё в порядке."},
		{"user token revoked", func(f *vktest.Server) { f.RevokeToken(vktest.TokenUser, true) }, 1, "user", "user:wall", "токен user: НЕ РАБОТАЕТ"},
		{"right lost", func(f *vktest.Server) { f.SetTokenRights(vktest.TokenCommunity, "messages") }, 1, "", "community:manage", "нет: community:manage"},
		{"network down", func(f *vktest.Server) { f.Close() }, 1, "", "", "ПРОБЛЕМА"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := vktest.New(vktest.Options{})
			t.Cleanup(f.Close)
			cfg := guardConfig(t, f, "", "")
			tt.script(f)
			rep, code := doctorJSON(t, cfg)
			if code != tt.code || rep.OK != (tt.code == 0) || rep.Via != "direct" {
				t.Fatalf("exit %d ok %v via %q, want exit %d: %+v", code, rep.OK, rep.Via, tt.code, rep)
			}
			if len(rep.Accounts) != 1 {
				t.Fatalf("accounts %+v", rep.Accounts)
			}
			a := rep.Accounts[0]
			for _, tok := range a.Tokens {
				if (tok.State == "broken") != (tok.Name == tt.broken) {
					t.Errorf("token %s: %s (want broken: %q)", tok.Name, tok.State, tt.broken)
				}
			}
			if tt.missing != "" && !strings.Contains(strings.Join(a.Missing, ","), tt.missing) {
				t.Errorf("missing %v, want %s among them", a.Missing, tt.missing)
			}
			if tt.code == 0 && (len(a.Managers) != 2 || a.Settings["obscenity_filter"] != "on" || len(a.Problems) != 0) {
				t.Errorf("healthy account: %+v", a)
			}
			t.Setenv("LC_ALL", "ru_RU.UTF-8")
			out, _, code := runCLI(context.Background(), "doctor", "-config", cfg)
			if code != tt.code || !strings.Contains(out, tt.contains) || !strings.Contains(out, "admin-vk") {
				t.Errorf("table (exit %d) lacks %q:\n%s", code, tt.contains, out)
			}
			for _, secret := range []string{f.UserToken(), f.CommunityToken()} {
				if strings.Contains(out, secret) {
					t.Errorf("a token is in the output:\n%s", out)
				}
			}
		})
	}
}

func TestDoctor_EnglishAndBadFlags(t *testing.T) {
	f := vktest.New(vktest.Options{})
	t.Cleanup(f.Close)
	cfg := guardConfig(t, f, "", "")
	out, _, code := runCLI(context.Background(), "doctor", "-config", cfg, "-lang", "en")
	if code != 0 || !strings.Contains(out, "Summary: all is well.") || !strings.Contains(out, "ACCOUNT") {
		t.Errorf("English table (exit %d):\n%s", code, out)
	}
	if _, _, code := runCLI(context.Background(), "doctor", "-config", cfg, "-lang", "de"); code != 2 {
		t.Errorf("-lang de: exit %d, want 2", code)
	}
	if _, _, code := runCLI(context.Background(), "doctor", "-config", filepath.Join(t.TempDir(), "none.yaml")); code != 2 {
		t.Errorf("missing config: exit %d, want 2", code)
	}
}

// A new manager on the VK fake → the guard stores the event, announces it
// in the review chat and counts it; strazh doctor, asked while the daemon
// runs, gets the daemon's answer with the event; a token losing a right
// fails doctor.
func TestGuard_Daemon_ManagerAddedAnnouncedCountedAndDoctor(t *testing.T) {
	f := vktest.New(vktest.Options{})
	t.Cleanup(f.Close)
	f.AddUser(123, "Иван", "Петров")
	tg := telegramtest.New("")
	t.Cleanup(tg.Close)
	t.Setenv("STRAZH_GUARD_TG", tg.Token())
	port := freePort(t)
	cfgPath := guardConfig(t, f, port, fmt.Sprintf("telegram: {api_url: %s, token_env: STRAZH_GUARD_TG, chat_id: %d, moderators: [%d]}",
		tg.URL(), e2eChat, e2eModerator))
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan *pipeline.Pipeline, 1)
	logs := &syncBuffer{}
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{logOut: logs, onReady: func(p *pipeline.Pipeline) { ready <- p }})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("daemon did not start: %v\n%s", err, logs)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	})
	metric := func(name string) string {
		resp, err := http.Get("http://" + port + "/metrics")
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, name) {
				return l
			}
		}
		return ""
	}
	// The baseline is silent.
	waitFor(t, "the baseline", func() bool { return metric(`strazh_page_managers{account="admin-vk"}`) != "" })
	// VK sends events only once the long poll is switched on (Connect).
	// (and VK's ts taken: the first a_check is made after it).
	waitFor(t, "the long poll reading", func() bool { return len(f.Calls("a_check")) > 0 })
	f.SetManager(123, "administrator")
	want := "⚠️ Безопасность · admin-vk: добавлен руководитель Иван Петров (123), роль — администратор"
	m, err := tg.WaitMessage(ctxTimeout(t, 20*time.Second), e2eChat, func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Безопасность")
	})
	if err != nil || m.Text != want {
		t.Fatalf("announcement %q (%v), want %q\n%s\n%v", m.Text, err, want, logs, tg.BotMessages(e2eChat))
	}
	waitFor(t, "the event counted", func() bool {
		return metric(`strazh_security_events_total{account="admin-vk",kind="manager_added"} 1`) != ""
	})
	for _, msg := range tg.BotMessages(e2eChat) {
		if strings.Contains(msg.Text, "Безопасность") && msg.ID != m.ID {
			t.Errorf("another security message: %q (the baseline must be silent)", msg.Text)
		}
	}

	// A role changed, a manager removed, the obscenity filter switched off:
	// each VK event checks at once, each change is one message.
	for _, step := range []struct {
		do   func()
		want string
	}{
		{func() { f.SetManager(f.AdminID()+1, "editor") }, "у руководителя Пользователь 101 (101) сменилась роль: модератор → редактор"},
		{func() { f.RemoveManager(123) }, "снят руководитель Иван Петров (123) (был: администратор)"},
		{func() { f.SetSetting("obscene_filter", 0) }, "изменена настройка «фильтр нецензурных выражений»: вкл. → выкл."},
	} {
		step.do()
		if _, err := tg.WaitMessage(ctxTimeout(t, 20*time.Second), e2eChat, func(m telegramtest.Message) bool {
			return strings.Contains(m.Text, step.want)
		}); err != nil {
			t.Fatalf("no message %q: %v", step.want, err)
		}
	}

	rep, code := doctorJSON(t, cfgPath)
	if code != 0 || rep.Via != "daemon" || len(rep.Accounts) != 1 {
		t.Fatalf("doctor via the daemon: exit %d %+v", code, rep)
	}
	a := rep.Accounts[0]
	if len(a.Events) != 4 || a.Events[0].Kind != "manager_added" || a.Events[0].Subject != "123" || a.GuardChecked.IsZero() {
		t.Errorf("doctor's account: %+v", a)
	}
	f.SetTokenRights(vktest.TokenCommunity, "messages", "photos")
	if rep, code := doctorJSON(t, cfgPath); code != 1 || rep.OK || !strings.Contains(strings.Join(rep.Accounts[0].Missing, ","), "community:manage") {
		t.Errorf("doctor after a lost right: exit %d %+v", code, rep)
	}

	// The store has the event for the report (read after the daemon stops).
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	done <- nil
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.SecurityEvents(time.Now().Add(-time.Hour), time.Time{})
	if err != nil || len(evs) != 4 || evs[0].Kind != "manager_added" || evs[3].Kind != "setting_changed" || evs[0].Account != "admin-vk" || evs[0].Network != "vk" {
		t.Errorf("stored events %+v, %v", evs, err)
	}
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// A daemon holding the database whose socket doctor cannot reach: doctor
// must not check on its own (it would refresh the daemon's VK ID token),
// and says why.
func TestDoctor_DatabaseLockedWithoutSocket(t *testing.T) {
	f := vktest.New(vktest.Options{})
	t.Cleanup(f.Close)
	cfgPath := guardConfig(t, f, "", "")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(cfg.DBPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, errOut, code := runCLI(context.Background(), "doctor", "-config", cfgPath)
	if code != 2 || !strings.Contains(errOut, "socket") {
		t.Errorf("exit %d, stderr %q; want 2 naming the socket", code, errOut)
	}
	if n := len(f.Calls("")); n != 0 {
		t.Errorf("doctor called VK %d times while the daemon held the database", n)
	}
}
