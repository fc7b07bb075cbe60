package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/store"
)

// strazh doctor shows the /pause kept in the store (a restart keeps it),
// without calling it a problem.
func TestDoctor_BuildReport_ShowsTheKeptPause(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		pause *moderation.PauseState
		want  string // in the Russian table; "" for no pause line
	}{
		{"none", nil, ""},
		{"until resume", &moderation.PauseState{By: "telegram:7", At: now.Add(-time.Hour)}, "на паузе с 2026-12-01 11:00 UTC (telegram:7), до /resume"},
		{"timed", &moderation.PauseState{By: "web:anna", At: now.Add(-time.Hour), Until: now.Add(time.Hour)}, "(web:anna), до 2026-12-01 13:00 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.SetPause(tt.pause); err != nil {
				t.Fatal(err)
			}
			rep := buildDoctorReport(context.Background(), nil, db, now, 0, time.Second)
			if (rep.Paused != nil) != (tt.pause != nil) || !rep.OK {
				t.Fatalf("report paused %+v ok %v, want paused %v and ok", rep.Paused, rep.OK, tt.pause != nil)
			}
			var b strings.Builder
			renderDoctor(&b, rep, review.LangRU)
			if has := strings.Contains(b.String(), "на паузе"); has != (tt.want != "") || !strings.Contains(b.String(), tt.want) {
				t.Errorf("table lacks %q (or shows a pause that is not):\n%s", tt.want, b.String())
			}
		})
	}
}
