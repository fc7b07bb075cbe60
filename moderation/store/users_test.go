package store

import (
	"errors"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_WebUser_RoundTrip(t *testing.T) {
	db, _ := mustOpen(t)
	if _, err := db.WebUser("anna"); !errors.Is(err, moderation.ErrNotFound) {
		t.Fatalf("WebUser before any: %v, want ErrNotFound", err)
	}
	u := WebUser{Name: "anna", Role: "moderator", Hash: "$argon2id$x", Created: time.Unix(10, 0).UTC(), Changed: time.Unix(10, 0).UTC()}
	if err := db.PutWebUser(u); err != nil {
		t.Fatal(err)
	}
	if err := db.PutWebUser(WebUser{Name: "boris", Role: "viewer", Hash: "h"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.WebUser("anna")
	if err != nil || got != u {
		t.Fatalf("WebUser = %+v, %v; want %+v", got, err, u)
	}
	list, err := db.WebUsers()
	if err != nil || len(list) != 2 || list[0].Name != "anna" || list[1].Name != "boris" {
		t.Fatalf("WebUsers = %+v, %v", list, err)
	}
}

func TestDB_PutWebUser_Incomplete(t *testing.T) {
	db, _ := mustOpen(t)
	for _, u := range []WebUser{{Name: "x"}, {Hash: "h"}} {
		if err := db.PutWebUser(u); err == nil {
			t.Errorf("PutWebUser(%+v) = nil, want an error", u)
		}
	}
}

func TestDB_RemoveWebUser_SignsOut(t *testing.T) {
	db, _ := mustOpen(t)
	for _, n := range []string{"anna", "boris"} {
		if err := db.PutWebUser(WebUser{Name: n, Role: "admin", Hash: "h"}); err != nil {
			t.Fatal(err)
		}
		if err := db.PutWebSession([]byte("key-"+n), WebSession{User: n, Expires: time.Unix(100, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RemoveWebUser("anna"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveWebUser("anna"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("second remove: %v, want ErrNotFound", err)
	}
	if _, err := db.WebSession([]byte("key-anna")); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("anna's session after her removal: %v, want ErrNotFound", err)
	}
	if s, err := db.WebSession([]byte("key-boris")); err != nil || s.User != "boris" {
		t.Errorf("boris's session: %+v, %v; want kept", s, err)
	}
}

func TestDB_PruneWebSessions_Expired(t *testing.T) {
	db, _ := mustOpen(t)
	now := time.Unix(1000, 0)
	for k, exp := range map[string]time.Time{"old": now.Add(-time.Second), "edge": now, "live": now.Add(time.Hour)} {
		if err := db.PutWebSession([]byte(k), WebSession{User: "u", Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.PruneWebSessions(now)
	if err != nil || n != 2 {
		t.Fatalf("PruneWebSessions = %d, %v; want 2", n, err)
	}
	if _, err := db.WebSession([]byte("live")); err != nil {
		t.Errorf("live session: %v", err)
	}
	if err := db.DeleteWebSession([]byte("live")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebSession([]byte("live")); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}
