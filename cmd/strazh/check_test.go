package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeConfig writes a config for one sim account plus extra top-level
// YAML and files (name → content) beside it; it returns the config path.
func writeConfig(t *testing.T, extra string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := "state_dir: " + filepath.Join(dir, "state") + "\nmetrics: {listen: \"\"}\n" + extra +
		"accounts:\n  - name: page\n    network: sim\n    api_url: http://127.0.0.1:1\n    token_env: STRAZH_TEST_SIM_TOKEN\n"
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// problems are the lines of a check or run output that name a place.
func problems(out, cfgPath string) []string {
	var ps []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, filepath.Dir(cfgPath)) {
			ps = append(ps, l)
		}
	}
	return ps
}

// Issue 11: a rule file whose examples fail was refused by check and a
// reload but went live on a restart; run now refuses it with the same
// problems check prints, and never opens the database.
func TestRun_RefusesWhatCheckRefuses(t *testing.T) {
	t.Setenv("STRAZH_TEST_SIM_TOKEN", "t")
	failing := "pack: local\nrules:\n  - id: local.all\n    action: delete\n    when: {length_min: 1}\n    examples:\n      match: [\"купите слона\"]\n      no_match: [\"спасибо за парк\"]\n"
	tests := []struct {
		name, extra string
		files       map[string]string
		want        string
	}{
		{"failing examples", "rules: {files: [local.yaml]}\n", map[string]string{"local.yaml": failing}, `local.yaml:8: rules[0].examples.no_match[0]: rule local.all: example "спасибо за парк" must not match`},
		{"secret as _env and _file", "", nil, "config.yaml:8: accounts[0] (page): token_env and token_file: set only one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, tt.extra, tt.files)
			if tt.name == "secret as _env and _file" {
				b, _ := os.ReadFile(p)
				os.WriteFile(p, append(b, "    token_file: /nonexistent\n"...), 0o600)
			}
			_, checkErr, code := runCLI(context.Background(), "check", "-config", p)
			if code != 1 || !strings.Contains(checkErr, tt.want) {
				t.Fatalf("check: exit %d, want 1 and %q:\n%s", code, tt.want, checkErr)
			}
			// Cancelled: a run that wrongly starts stops at once instead of
			// running the daemon until the test times out.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, runErr, code := runCLI(ctx, "run", "-config", p)
			if code != 1 || !strings.Contains(runErr, tt.want) {
				t.Fatalf("run: exit %d, want 1 and %q:\n%s", code, tt.want, runErr)
			}
			if c, r := problems(checkErr, p), problems(runErr, p); strings.Join(c, "\n") != strings.Join(r, "\n") {
				t.Errorf("check and run disagree:\ncheck:\n%s\nrun:\n%s", strings.Join(c, "\n"), strings.Join(r, "\n"))
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), "state")); err == nil {
				t.Error("run created the state directory before refusing")
			}
		})
	}
}

func TestCheck_EachProblemOnceOnItsLine(t *testing.T) {
	p := writeConfig(t, "rules:\n  builtin: rux\n  disable: [nothing.here]\ntelegram:\n  token_env: X\n  chat_id: -1\n", nil)
	_, errOut, code := runCLI(context.Background(), "check", "-config", p)
	if code != 1 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	for _, want := range []string{p + `:4: rules.builtin: unknown pack set "rux"`, p + ":6: telegram.moderators: list at least one"} {
		if n := strings.Count(errOut, want); n != 1 {
			t.Errorf("%q printed %d times:\n%s", want, n, errOut)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if strings.HasPrefix(l, p+": ") || strings.HasPrefix(l, "rules.") || strings.HasPrefix(l, "telegram.") {
			t.Errorf("problem without a line: %s", l)
		}
	}
}

func TestCheck_RulesSectionProblemOnItsLine(t *testing.T) {
	p := writeConfig(t, "rules:\n  disable: [nothing.here]\n  files: [none-*.yaml]\n", nil)
	_, errOut, code := runCLI(context.Background(), "check", "-config", p)
	if code != 1 || !strings.Contains(errOut, p+`:5: rules.files[0]: no file matches`) {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
}

func TestCheck_Warnings(t *testing.T) {
	t.Setenv("STRAZH_TEST_SIM_TOKEN", "t")
	dir := t.TempDir()
	tok := filepath.Join(dir, "tg-token")
	os.WriteFile(tok, []byte("123:abc"), 0o644)
	os.Chmod(tok, 0o644)
	local := "pack: local\nrules:\n  - id: local.del\n    action: delete\n    when: {regex: \"купите слона\"}\n  - id: local.ok\n    accounts: [admin-ok]\n    when: {regex: \"слон\"}\n"
	p := writeConfig(t, "rules: {files: [local.yaml, empty.yaml]}\ntelegram: {token_file: "+tok+", chat_id: -1, moderators: [1]}\n",
		map[string]string{"local.yaml": local, "empty.yaml": "# later\n"})
	out, errOut, code := runCLI(context.Background(), "check", "-config", p)
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	d := filepath.Dir(p)
	for _, want := range []string{
		"warning: " + p + ":4: telegram.token_file: " + tok + " доступен группе или всем (права 0644)",
		"warning: " + d + "/local.yaml:3: rules[0].examples: правило local.del удаляет",
		"warning: " + d + `/local.yaml:6: rules[1].accounts: правило local.ok относится к странице "admin-ok"`,
		"warning: " + d + "/empty.yaml:1: файл правил пуст",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("no %q in:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "123:abc") {
		t.Error("the token was printed")
	}
}

func TestMain_PositionalArgumentHint(t *testing.T) {
	for _, args := range [][]string{{"check", "/etc/strazh/config.yaml"}, {"run", "/etc/strazh/config.yaml"}, {"audit", "config.yml"}} {
		_, errOut, code := runCLI(context.Background(), args...)
		if code != 2 || !strings.Contains(errOut, "используйте -config") || !strings.Contains(errOut, "use -config: strazh "+args[0]+" -config "+args[1]) {
			t.Errorf("%v: exit %d:\n%s", args, code, errOut)
		}
	}
	_, errOut, code := runCLI(context.Background(), "check", "x", "-secrets")
	if code != 2 || !strings.Contains(errOut, `unexpected argument "x"`) {
		t.Errorf("check x -secrets: exit %d:\n%s", code, errOut)
	}
}

func TestMain_Version(t *testing.T) {
	for _, a := range []string{"version", "--version", "-version"} {
		out, errOut, code := runCLI(context.Background(), a)
		if code != 0 || !strings.Contains(out, "strazh ") || !strings.Contains(out, "go: go1.") || !strings.Contains(out, "built: ") {
			t.Errorf("%s: exit %d: %q %q", a, code, out, errOut)
		}
	}
}

func TestCheck_DefaultConfig(t *testing.T) {
	_, errOut, code := runCLI(context.Background(), "check")
	if code == 2 || !strings.Contains(errOut, "/etc/strazh/config.yaml") {
		t.Errorf("check without -config: exit %d (want the default file checked):\n%s", code, errOut)
	}
	out, errOut, code := runCLI(context.Background(), "check", "-rules", "../../rules/packs/ru/spam.yaml", "-rules", "../../rules/packs/ru/spam.yaml")
	if code == 0 || strings.Contains(errOut, "/etc/strazh") {
		// the same file twice: duplicate ids, but no config was read
		t.Errorf("check -rules alone read a config or passed: %d %s %s", code, out, errOut)
	}
}

// CLI lengths take the same syntax as the configuration (weeks and years
// were refused: "time: unknown unit").
func TestParseDuration_SharedSyntax(t *testing.T) {
	for in, want := range map[string]time.Duration{"2w": 14 * 24 * time.Hour, "1y": 365 * 24 * time.Hour, "7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseDuration("soon"); err == nil || !strings.Contains(err.Error(), "ожидается длительность") {
		t.Errorf("parseDuration(soon): %v", err)
	}
}

// An error of a package named as its command names it once:
// "strazh eval: open …", not "strazh eval: eval: open …".
func TestMain_ErrorNamesTheCommandOnce(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "нет.jsonl")
	_, errOut, code := runCLI(context.Background(), "eval", missing)
	if code != 1 || !strings.HasPrefix(errOut, "strazh eval: ") || strings.Contains(errOut, "eval: eval:") || !strings.Contains(errOut, missing) {
		t.Errorf("exit %d: %q", code, errOut)
	}
}
