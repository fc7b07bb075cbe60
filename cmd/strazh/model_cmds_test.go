package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func toyCorpus(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "{\"text\":\"ты дурак %d\",\"labels\":[\"toxic\"],\"scope\":[\"toxic\"]}\n", i)
		fmt.Fprintf(&b, "{\"text\":\"спасибо за дорогу %d\",\"labels\":[],\"scope\":[\"toxic\",\"spam\"]}\n", i)
		fmt.Fprintf(&b, "{\"text\":\"заработок в лс %d\",\"labels\":[\"spam\"],\"scope\":[\"spam\"]}\n", i)
	}
	p := filepath.Join(t.TempDir(), "toy.jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCmdTrain_DeterministicWithReport(t *testing.T) {
	data := toyCorpus(t)
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, fmt.Sprintf("m%d.model", i))
		var so, se bytes.Buffer
		code := runMain(context.Background(), []string{"train", "-o", out, "-bits", "12", data}, stdio{nil, &so, &se})
		if code != 0 {
			t.Fatalf("train exit %d: %s", code, se.String())
		}
		for _, want := range []string{"kfold_f1", "toxic", "spam", "60 examples"} {
			if !strings.Contains(so.String(), want) {
				t.Errorf("report lacks %q:\n%s", want, so.String())
			}
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two trainings on the same files wrote different models")
	}
}

func TestCmdClassify_Explain(t *testing.T) {
	var so, se bytes.Buffer
	code := runMain(context.Background(), []string{"classify", "-explain"}, stdio{strings.NewReader("Ну ты и ДУРАК\n"), &so, &se})
	out := so.String()
	for _, want := range []string{"нормализовано: ну ты и дурак", "правило insults.personal", "модель toxic 0.", "модель spam 0."} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d, no %q in:\n%s%s", code, want, out, se.String())
		}
	}
}

func TestCmdTrain_BadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"text\":\"a\",\"labels\":[],\"scope\":[\"toxic\"]}\n{oops\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no output", []string{"train", toyCorpus(t)}, 2, "Usage: strazh train"},
		{"bad line", []string{"train", "-o", filepath.Join(dir, "x.model"), bad}, 1, "bad.jsonl:2:"},
		{"missing file", []string{"train", "-o", filepath.Join(dir, "x.model"), filepath.Join(dir, "none.jsonl")}, 1, "none.jsonl"},
		{"unknown label", []string{"train", "-o", filepath.Join(dir, "x.model"), "-labels", "threat", toyCorpus(t)}, 1, `"threat"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var so, se bytes.Buffer
			code := runMain(context.Background(), tt.args, stdio{nil, &so, &se})
			if code != tt.code || !strings.Contains(se.String(), tt.want) {
				t.Errorf("exit %d (want %d), stderr %q, want %q", code, tt.code, se.String(), tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.model")); err == nil {
		t.Error("a failed training left a model file")
	}
}
