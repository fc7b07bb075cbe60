package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The man page is made from every command's -h: each command has its
// section, each flag its entry, in Russian under a Russian locale.
func TestMan_FromTheCommandsHelp(t *testing.T) {
	for _, tt := range []struct{ lang, head, flag, arg string }{
		{"C", ".SH COMMANDS", "only this account", `.BI "\-format " "format"`},
		{"ru_RU.UTF-8", ".SH КОМАНДЫ", "только эта страница", `.BI "\-format " "формат"`},
	} {
		t.Setenv("LC_ALL", tt.lang)
		out, errOut, code := runCLI(context.Background(), "man", "-config-reference", "../../config.example.yaml", "-date", "2026-01-01")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.lang, code, errOut)
		}
		for _, c := range commands() {
			if !strings.Contains(out, `.SS "strazh `+c.name+`"`) {
				t.Errorf("%s: no section for %s", tt.lang, c.name)
			}
		}
		for _, want := range []string{tt.head, `.TH STRAZH 8 "2026-01-01"`, `.SS "strazh db backup"`, tt.arg,
			tt.flag, "state_dir: /var/lib/strazh"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: the page lacks %q", tt.lang, want)
			}
		}
		for i, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "'") {
				t.Errorf("%s: line %d %q would be read as a request", tt.lang, i+1, l)
			}
		}
	}
	t.Setenv("LC_ALL", "C")
	if _, err := exec.LookPath("man"); err == nil {
		out, _, _ := runCLI(context.Background(), "man", "-config-reference", "../../config.example.yaml")
		path := filepath.Join(t.TempDir(), "strazh.8")
		writeFile(t, path, out)
		cmd := exec.Command("man", "--warnings", "-l", path)
		cmd.Env = append(cmd.Environ(), "MANPAGER=cat", "LC_ALL=C.UTF-8")
		b, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(b), "warning:") {
			t.Errorf("man --warnings: %v\n%s", err, grepLines(string(b), "warning"))
		}
	}
}

func TestCompletion_Bash(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	out, errOut, code := runCLI(context.Background(), "completion", "bash")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"complete -o default -F _strazh strazh", "audit) COMPREPLY", "-format", "table jsonl csv",
		"db) COMPREPLY=($(compgen -W \"check backup restore compact", " sim "} {
		if !strings.Contains(out, want) {
			t.Errorf("completion lacks %q", want)
		}
	}
	if strings.Contains(out, " man ") || strings.Contains(out, "completion)") {
		t.Error("hidden commands are offered")
	}
	if _, err := exec.LookPath("bash"); err == nil {
		path := filepath.Join(t.TempDir(), "strazh.bash")
		writeFile(t, path, out)
		if b, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v\n%s", err, b)
		}
	}
	if _, _, code := runCLI(context.Background(), "completion", "zsh"); code != 2 {
		t.Errorf("completion zsh: exit %d, want 2", code)
	}
}

// Hidden commands stay out of strazh help.
func TestHelp_HiddenCommandsNotListed(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	out, _, _ := runCLI(context.Background(), "help")
	for _, h := range hiddenCommands() {
		if strings.Contains(out, "  "+h.name+" ") {
			t.Errorf("help lists %s", h.name)
		}
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
