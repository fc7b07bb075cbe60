package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_SetPause_SurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := mustOpenPath(t, path, nil)
	if _, ok, err := db.Pause(); ok || err != nil {
		t.Fatalf("fresh Pause = %v, %v; want none", ok, err)
	}
	want := moderation.PauseState{By: "telegram:1", At: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		Until: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	if err := db.SetPause(&want); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpenPath(t, path, nil)
	got, ok, err := db.Pause()
	if err != nil || !ok || got.By != want.By || !got.At.Equal(want.At) || !got.Until.Equal(want.Until) {
		t.Fatalf("Pause after reopen = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if err := db.SetPause(nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Pause(); ok || err != nil {
		t.Fatalf("Pause after clearing = %v, %v; want none", ok, err)
	}
}
