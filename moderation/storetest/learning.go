package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/strazh/strazh/moderation"
)

func example(decision uint64, verdict moderation.Verdict, labels ...string) moderation.Example {
	return moderation.Example{DecisionID: decision, Account: "a", CommentID: "sim:a:1", Text: "пример",
		Labels: labels, Scope: []string{moderation.LabelSpam, moderation.LabelToxic}, Verdict: verdict, By: "telegram:1", At: base}
}

func testExamples(t *testing.T, s moderation.Examples) {
	if n, err := s.CountExamples(); err != nil || n != 0 {
		t.Fatalf("CountExamples of a new store = %d, %v", n, err)
	}
	for _, e := range []moderation.Example{
		example(30, moderation.Delete, moderation.LabelToxic),
		example(10, moderation.Allow),
		example(20, moderation.Ban, moderation.LabelSpam),
		example(30, moderation.Allow), // an undo replaces the earlier example
	} {
		if err := s.PutExample(e); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.CountExamples(); n != 3 {
		t.Errorf("CountExamples = %d, want 3 (one per decision)", n)
	}
	var got []moderation.Example
	if err := s.EachExample(func(e moderation.Example) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	var order []uint64
	for _, e := range got {
		order = append(order, e.DecisionID)
	}
	if !slices.Equal(order, []uint64{10, 20, 30}) {
		t.Fatalf("EachExample order %v, want oldest decision first", order)
	}
	if e := got[2]; e.Verdict != moderation.Allow || len(e.Labels) != 0 || !e.At.Equal(base) || e.Text != "пример" {
		t.Errorf("the replaced example = %+v, want the later one", e)
	}
	if e := got[1]; !slices.Equal(e.Labels, []string{moderation.LabelSpam}) || !slices.Equal(e.Scope, []string{moderation.LabelSpam, moderation.LabelToxic}) {
		t.Errorf("example 20 = %+v", e)
	}
	stop, n := errors.New("stop"), 0
	if err := s.EachExample(func(moderation.Example) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachExample = %v after %d calls, want fn's error after 1", err, n)
	}
}

func testModelVersions(t *testing.T, s moderation.ModelVersions) {
	if live, err := s.LiveModel(); err != nil || live != 0 {
		t.Fatalf("LiveModel of a new store = %d, %v; want 0 (shipped)", live, err)
	}
	if _, _, err := s.LoadModel(1); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("LoadModel of an unknown version = %v, want ErrNotFound", err)
	}
	blob1 := []byte("model one")
	v1, err := s.SaveModel(moderation.ModelVersion{Created: base, Examples: 5, Seen: 40, By: "schedule"}, blob1, true)
	if err != nil || v1.Version == 0 {
		t.Fatalf("SaveModel = %+v, %v; want a version above 0", v1, err)
	}
	blob1[0] = 'X' // the store keeps its own copy
	v2, err := s.SaveModel(moderation.ModelVersion{Created: base, Examples: 9, By: "cli:anna"}, []byte("model two"), false)
	if err != nil || v2.Version <= v1.Version {
		t.Fatalf("second SaveModel = %+v, %v; want a version after %d", v2, err, v1.Version)
	}
	if live, _ := s.LiveModel(); live != v1.Version {
		t.Errorf("LiveModel = %d, want %d (saved live; the second was not)", live, v1.Version)
	}
	list, err := s.ModelVersions()
	if err != nil || len(list) != 2 || list[0].Version != v1.Version || list[1].Version != v2.Version || list[0].Examples != 5 || list[1].By != "cli:anna" {
		t.Errorf("ModelVersions = %+v, %v; want both, oldest first", list, err)
	}
	mv, blob, err := s.LoadModel(v1.Version)
	if err != nil || mv.Seen != 40 || !bytes.Equal(blob, []byte("model one")) {
		t.Errorf("LoadModel(%d) = %+v, %q, %v", v1.Version, mv, blob, err)
	}
	blob[0] = 'Y'
	if _, again, _ := s.LoadModel(v1.Version); !bytes.Equal(again, []byte("model one")) {
		t.Errorf("LoadModel handed out the store's own bytes: %q", again)
	}
	if err := s.SetLiveModel(v2.Version); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLiveModel(v2.Version + 100); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("SetLiveModel of an unknown version = %v, want ErrNotFound", err)
	}
	if live, _ := s.LiveModel(); live != v2.Version {
		t.Errorf("LiveModel = %d after a refused SetLiveModel, want %d", live, v2.Version)
	}
	if err := s.SetLiveModel(0); err != nil {
		t.Errorf("SetLiveModel(0), back to the shipped model: %v", err)
	}
	if live, _ := s.LiveModel(); live != 0 {
		t.Errorf("LiveModel = %d, want 0", live)
	}
}
