package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_PutGuardState_RoundTripEventsInRange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	db, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.GuardState("admin-vk"); !errors.Is(err, moderation.ErrNotFound) {
		t.Fatalf("empty store: %v", err)
	}
	if evs, err := db.SecurityEvents(time.Time{}, time.Time{}); err != nil || len(evs) != 0 {
		t.Fatalf("empty store events: %v, %v", evs, err)
	}
	t0 := time.Unix(1_800_000_000, 0).UTC()
	st := moderation.GuardState{Account: "admin-vk", Network: "vk", Checked: t0,
		Managers: []moderation.Manager{{ID: "7", Name: "Иван", Role: "administrator"}},
		Settings: map[string]string{"obscenity_filter": "on"}, HasManagers: true}
	evs := []moderation.SecurityEvent{
		{At: t0, Kind: moderation.SecManagerAdded, Subject: "7"},
		{At: t0.Add(time.Hour), Kind: moderation.SecSettingChanged, Subject: "obscenity_filter"},
		{At: t0.Add(2 * time.Hour), Kind: moderation.SecTokenBroken, Subject: "user"},
	}
	if err := db.PutGuardState(st, evs); err != nil {
		t.Fatal(err)
	}
	if err := db.PutGuardState(moderation.GuardState{Account: "other", Network: "ok"},
		[]moderation.SecurityEvent{{At: t0.Add(time.Hour), Kind: moderation.SecManagerRemoved}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpenPath(t, path, &Options{NoSync: true})

	got, err := db.GuardState("admin-vk")
	if err != nil || len(got.Managers) != 1 || got.Managers[0].Name != "Иван" || got.Settings["obscenity_filter"] != "on" || !got.Checked.Equal(t0) {
		t.Fatalf("state after reopen: %+v, %v", got, err)
	}
	tests := []struct {
		name         string
		since, until time.Time
		want         []string // kinds
	}{
		{"all", time.Time{}, time.Time{}, []string{"manager_added", "setting_changed", "manager_removed", "token_broken"}},
		{"until is exclusive", t0, t0.Add(time.Hour), []string{"manager_added"}},
		{"since is inclusive", t0.Add(time.Hour), t0.Add(2 * time.Hour), []string{"setting_changed", "manager_removed"}},
		{"after all", t0.Add(3 * time.Hour), time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := db.SecurityEvents(tt.since, tt.until)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, ev := range evs {
				kinds = append(kinds, ev.Kind)
				if ev.Account == "" || ev.Network == "" {
					t.Errorf("event without its account or network: %+v", ev)
				}
			}
			if len(kinds) != len(tt.want) {
				t.Fatalf("kinds %v, want %v", kinds, tt.want)
			}
			for i := range kinds {
				if kinds[i] != tt.want[i] {
					t.Fatalf("kinds %v, want %v", kinds, tt.want)
				}
			}
		})
	}
	if err := db.PutGuardState(moderation.GuardState{}, nil); err == nil {
		t.Error("a state without an account was stored")
	}
}
