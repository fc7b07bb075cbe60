package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_Token_RoundTripAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	db, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Token("admin-vk", "vk_user"); !errors.Is(err, moderation.ErrNotFound) {
		t.Fatalf("empty store: %v", err)
	}
	exp := time.Unix(1_800_000_000, 0).UTC()
	first := moderation.Token{Access: "a1", Refresh: "r1", Issued: exp.Add(-time.Hour), Expires: exp, Source: "s"}
	second := moderation.Token{Access: "a2", Refresh: "r2", Issued: exp, Expires: exp.Add(time.Hour), Source: "s"}
	for _, tok := range []moderation.Token{first, second} {
		if err := db.PutToken("admin-vk", "vk_user", tok); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutToken("other", "vk_user", first); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpenPath(t, path, &Options{NoSync: true})
	got, err := db.Token("admin-vk", "vk_user")
	if err != nil || got != second {
		t.Fatalf("after reopen: %+v, %v; want the second token", got, err)
	}
	if got, _ := db.Token("other", "vk_user"); got != first {
		t.Errorf("accounts mixed: %+v", got)
	}
	if err := db.PutToken("", "vk_user", first); err == nil {
		t.Error("a token without an account was stored")
	}
}

func TestToken_String_NoSecrets(t *testing.T) {
	tok := moderation.Token{Access: "SECRET-ACCESS", Refresh: "SECRET-REFRESH", Expires: time.Unix(1_800_000_000, 0)}
	for _, s := range []string{tok.String(), tok.LogValue().String()} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("secret shown: %s", s)
		}
	}
}
