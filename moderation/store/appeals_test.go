package store_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

func openAppealDB(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func testAppeal(id uint64, account, comment string, opened time.Time) *moderation.Appeal {
	return &moderation.Appeal{DecisionID: id, Network: "vk", Account: account, CommentID: comment,
		Ref: "wall:-1:" + comment, Topic: "roads", Text: "яма на дороге", OpenedAt: opened, Deadline: opened.Add(24 * time.Hour)}
}

func TestDB_OpenAppeal_Idempotent(t *testing.T) {
	db := openAppealDB(t, filepath.Join(t.TempDir(), "s.db"))
	defer db.Close()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		a    *moderation.Appeal
		want bool
	}{
		{"first", testAppeal(1, "p", "vk:p:wall:-1:5", t0), true},
		{"same decision again", testAppeal(1, "p", "vk:p:wall:-1:5", t0), false},
		{"edit: new decision, same comment", testAppeal(2, "p", "vk:p:wall:-1:5", t0.Add(time.Minute)), false},
		{"another comment", testAppeal(3, "p", "vk:p:wall:-1:6", t0.Add(time.Hour)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.OpenAppeal(tt.a)
			if err != nil || got != tt.want {
				t.Fatalf("OpenAppeal = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	open, err := db.OpenAppeals("p")
	if err != nil || len(open) != 2 || open[0].DecisionID != 1 || open[1].DecisionID != 3 {
		t.Fatalf("OpenAppeals = %+v, %v; want decisions 1 and 3", open, err)
	}
	if _, err := db.OpenAppeal(&moderation.Appeal{Account: "p"}); err == nil {
		t.Fatal("an appeal without decision and comment was accepted")
	}
}

func TestDB_UpdateAppeal_FirstAnswerOnly(t *testing.T) {
	db := openAppealDB(t, filepath.Join(t.TempDir(), "s.db"))
	defer db.Close()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, err := db.OpenAppeal(testAppeal(7, "p", "c7", t0)); err != nil {
		t.Fatal(err)
	}
	a, err := db.UpdateAppeal(7, moderation.AnswerAppeal(t0.Add(time.Hour), "page", "r1"))
	if err != nil || a.AnsweredBy != "page" || !a.OnTime() {
		t.Fatalf("first answer: %+v, %v", a, err)
	}
	a, err = db.UpdateAppeal(7, moderation.AnswerAppeal(t0.Add(30*time.Hour), "manager:9", "r2"))
	if err != nil || a.AnsweredBy != "page" || a.ReplyRef != "r1" {
		t.Fatalf("second answer replaced the first: %+v, %v", a, err)
	}
	if open, _ := db.OpenAppeals(""); len(open) != 0 {
		t.Fatalf("answered appeal still open: %+v", open)
	}
	if _, err := db.UpdateAppeal(8, func(*moderation.Appeal) error { return nil }); !errors.Is(err, moderation.ErrNotFound) {
		t.Fatalf("unknown appeal: %v, want ErrNotFound", err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateAppeal(7, func(a *moderation.Appeal) error { a.Topic = "x"; return boom }); err != boom {
		t.Fatalf("fn error = %v", err)
	}
	if got, _ := db.Appeal(7); got.Topic != "roads" {
		t.Fatal("an aborted update was written")
	}
	if _, err := db.UpdateAppeal(7, func(a *moderation.Appeal) error { a.CommentID = "other"; return nil }); err == nil {
		t.Fatal("identity change accepted")
	}
}

func TestDB_Appeals_SurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := openAppealDB(t, path)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, acc := range []string{"a", "b", "a"} {
		a := testAppeal(uint64(i+1), acc, "c"+string(rune('0'+i)), t0.Add(time.Duration(i)*time.Hour))
		if i == 2 {
			a.Deleted = true
		}
		if _, err := db.OpenAppeal(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAppealDB(t, path)
	defer db.Close()
	open, err := db.OpenAppeals("a")
	if err != nil || len(open) != 2 || !open[1].Deleted {
		t.Fatalf("after restart OpenAppeals(a) = %+v, %v", open, err)
	}
	all, _ := db.OpenAppeals("")
	if len(all) != 3 || all[1].Account != "b" {
		t.Fatalf("OpenAppeals(all) = %+v", all)
	}
	between, err := db.Appeals(t0.Add(time.Hour), t0.Add(2*time.Hour))
	if err != nil || len(between) != 1 || between[0].DecisionID != 2 {
		t.Fatalf("Appeals = %+v, %v", between, err)
	}
	if a, err := db.AppealByComment("c2"); err != nil || a.DecisionID != 3 {
		t.Fatalf("AppealByComment = %+v, %v", a, err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestDB_CountAppeals_PerAccount(t *testing.T) {
	db := openAppealDB(t, filepath.Join(t.TempDir(), "s.db"))
	defer db.Close()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, acc := range []string{"a", "a", "b"} {
		if _, err := db.OpenAppeal(testAppeal(uint64(i+1), acc, "c"+string(rune('0'+i)), t0)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UpdateAppeal(1, moderation.AnswerAppeal(t0.Add(time.Hour), "page", "")); err != nil {
		t.Fatal(err)
	}
	per, all, err := db.CountAppeals(t0, t0.Add(time.Hour), t0.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := (moderation.AppealStats{Opened: 2, Answered: 1, OnTime: 1, Open: 1, Overdue: 1}); per["a"] != want {
		t.Errorf("a = %+v, want %+v", per["a"], want)
	}
	if all.Opened != 3 || all.Overdue != 2 {
		t.Errorf("all = %+v", all)
	}
}
