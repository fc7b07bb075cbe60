package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/review/web"
	"github.com/strazh/strazh/moderation/store"
)

func runCLIStdin(stdin string, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := runMain(context.Background(), args, stdio{strings.NewReader(stdin), &out, &errb})
	return out.String(), errb.String(), code
}

func TestUsers_AddPasswdRemove(t *testing.T) {
	cfgPath := writeConfig(t, "", nil)
	const pw1, pw2 = "first-password-1", "second-password-2"
	out, errOut, code := runCLIStdin(pw1+"\n", "users", "add", "-config", cfgPath, "-role", "moderator", "anna")
	if code != 0 {
		t.Fatalf("add: %d %s", code, errOut)
	}
	if _, _, code := runCLIStdin(pw1+"\n", "users", "add", "-config", cfgPath, "-role", "admin", "anna"); code == 0 {
		t.Error("adding anna twice succeeded")
	}
	list, _, _ := runCLIStdin("", "users", "list", "-config", cfgPath)
	if !strings.Contains(list, "anna") || !strings.Contains(list, "moderator") {
		t.Errorf("list = %q", list)
	}
	if _, _, code := runCLIStdin(pw2+"\n", "users", "passwd", "-config", cfgPath, "anna"); code != 0 {
		t.Fatal("passwd failed")
	}
	all := out + errOut + list
	for _, secret := range []string{pw1, pw2, "argon2id"} {
		if strings.Contains(all, secret) {
			t.Errorf("output shows %q", secret)
		}
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.WebUser("anna")
	db.Close()
	if err != nil || web.VerifyPassword(u.Hash, pw1) || !web.VerifyPassword(u.Hash, pw2) {
		t.Errorf("stored hash does not match the new password only (err %v)", err)
	}
	if _, _, code := runCLIStdin("", "users", "remove", "-config", cfgPath, "anna"); code != 0 {
		t.Fatal("remove failed")
	}
	if list, _, _ := runCLIStdin("", "users", "list", "-config", cfgPath); strings.Contains(list, "anna") {
		t.Errorf("anna still listed: %q", list)
	}
}

func TestUsers_BadInput(t *testing.T) {
	cfgPath := writeConfig(t, "", nil)
	tests := []struct {
		name, stdin string
		args        []string
	}{
		{"short password", "short\n", []string{"add", "-config", cfgPath, "-role", "viewer", "bob"}},
		{"bad role", "long-enough-pass\n", []string{"add", "-config", cfgPath, "-role", "root", "bob"}},
		{"bad name", "long-enough-pass\n", []string{"add", "-config", cfgPath, "-role", "viewer", "bob smith"}},
		{"no such user", "long-enough-pass\n", []string{"passwd", "-config", cfgPath, "nobody"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, code := runCLIStdin(tt.stdin, append([]string{"users"}, tt.args...)...); code == 0 {
				t.Error("succeeded")
			}
		})
	}
}
