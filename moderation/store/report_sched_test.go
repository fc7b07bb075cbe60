package store

import (
	"path/filepath"
	"testing"
	"time"
)

func TestDB_ReportSent_SurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := mustOpenPath(t, path, nil)
	got, err := db.ReportSent()
	if err != nil || !got.IsZero() {
		t.Fatalf("fresh ReportSent = %v, %v; want zero, nil", got, err)
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if err := db.SetReportSent(at); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpenPath(t, path, nil)
	got, err = db.ReportSent()
	if err != nil || !got.Equal(at) {
		t.Fatalf("ReportSent after reopen = %v, %v; want %v", got, err, at)
	}
}
