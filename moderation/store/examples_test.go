package store

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_PutExample_ReplacesPerDecision(t *testing.T) {
	db, _ := mustOpen(t)
	at := time.Unix(1_700_000_000, 0).UTC()
	first := moderation.Example{DecisionID: 2, Text: "б", Labels: []string{"toxic"}, Scope: []string{"toxic"}, Verdict: moderation.Delete, By: "telegram:1", At: at}
	for _, e := range []moderation.Example{
		{DecisionID: 5, Text: "в", Scope: []string{"spam"}, By: "cli:anna", At: at},
		first,
		{DecisionID: 1, Text: "а", Scope: []string{"toxic"}, By: "telegram:1", At: at},
	} {
		if err := db.PutExample(e); err != nil {
			t.Fatal(err)
		}
	}
	undone := first
	undone.Labels, undone.Verdict, undone.By = nil, moderation.Allow, "telegram:2"
	if err := db.PutExample(undone); err != nil {
		t.Fatal(err)
	}
	var got []moderation.Example
	if err := db.EachExample(func(e moderation.Example) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].DecisionID != 1 || got[1].DecisionID != 2 || got[2].DecisionID != 5 {
		t.Fatalf("examples not one per decision, oldest first: %+v", got)
	}
	if !reflect.DeepEqual(got[1], undone) {
		t.Errorf("the later decision did not replace the earlier: %+v", got[1])
	}
	if n, err := db.CountExamples(); err != nil || n != 3 {
		t.Errorf("CountExamples = %d, %v; want 3", n, err)
	}
	if err := db.PutExample(moderation.Example{Text: "x"}); err == nil {
		t.Error("an example without a decision was stored")
	}
}

func TestDB_EachExample_Empty(t *testing.T) {
	db, _ := mustOpen(t)
	n := 0
	if err := db.EachExample(func(moderation.Example) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("empty database: %d examples, %v", n, err)
	}
	if live, err := db.LiveModel(); err != nil || live != 0 {
		t.Fatalf("LiveModel on a new database = %d, %v; want the shipped 0", live, err)
	}
	if _, _, err := db.LoadModel(1); !errors.Is(err, moderation.ErrNotFound) {
		t.Fatalf("LoadModel on a new database: %v, want ErrNotFound", err)
	}
}

func TestDB_SaveModel_VersionsLiveAndRollback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	db := mustOpenPath(t, path, &Options{NoSync: true})
	m := map[string]moderation.LabelMetrics{"toxic": {Examples: 10, F1: 0.8}}
	v1, err := db.SaveModel(moderation.ModelVersion{Examples: 10, Metrics: m}, []byte("one"), true)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := db.SaveModel(moderation.ModelVersion{Examples: 20, Base: v1.Version}, []byte("two"), false)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || v2.Version != 2 || v1.Size != 3 {
		t.Fatalf("versions %d, %d (size %d); want 1, 2 (3)", v1.Version, v2.Version, v1.Size)
	}
	if live, _ := db.LiveModel(); live != 1 {
		t.Fatalf("live = %d, want 1 (2 was saved not live)", live)
	}
	got, blob, err := db.LoadModel(1)
	if err != nil || string(blob) != "one" || got.Metrics["toxic"].F1 != 0.8 {
		t.Fatalf("LoadModel(1) = %+v %q %v", got, blob, err)
	}
	if err := db.SetLiveModel(9); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("SetLiveModel(9) = %v, want ErrNotFound", err)
	}
	if err := db.SetLiveModel(0); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpenPath(t, path, &Options{NoSync: true})
	if live, _ := db.LiveModel(); live != 0 {
		t.Errorf("rollback to the shipped model did not survive a reopen: live %d", live)
	}
}

func TestDB_SaveModel_PrunesOldButNeverLive(t *testing.T) {
	db, _ := mustOpen(t)
	if _, err := db.SaveModel(moderation.ModelVersion{}, []byte("live"), true); err != nil {
		t.Fatal(err)
	}
	for range KeepModels + 3 {
		if _, err := db.SaveModel(moderation.ModelVersion{}, []byte("x"), false); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := db.ModelVersions()
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != KeepModels+1 || vs[0].Version != 1 || vs[1].Version != 5 || vs[len(vs)-1].Version != KeepModels+4 {
		var ids []uint64
		for _, v := range vs {
			ids = append(ids, v.Version)
		}
		t.Fatalf("kept %v; want the live 1 and the %d newest", ids, KeepModels)
	}
	if _, _, err := db.LoadModel(2); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("pruned version still loads: %v", err)
	}
}

func TestDB_ModelBuckets_ReadOnlyWithoutThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	db := mustOpenPath(t, path, &Options{NoSync: true})
	db.Close()
	ro := mustOpenPath(t, path, &Options{ReadOnly: true})
	if n, err := ro.CountExamples(); err != nil || n != 0 {
		t.Errorf("read-only without the buckets: %d, %v", n, err)
	}
	if vs, err := ro.ModelVersions(); err != nil || len(vs) != 0 {
		t.Errorf("read-only without the buckets: %v, %v", vs, err)
	}
}
