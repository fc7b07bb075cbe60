package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// replayFile writes labelled rows of our own (never corpus texts).
func replayFile(t *testing.T) string {
	t.Helper()
	rows := []string{
		`{"text":"Спасибо за ремонт дороги","labels":[],"scope":["toxic"]}`,
		`{"text":"ты идиот и дебил","labels":["toxic"],"scope":["toxic"]}`,
		`{"text":"какая-то тихая гадость без слов","labels":["toxic"],"scope":["toxic"]}`,
		`{"text":"Когда откроют школу?","labels":[],"scope":["toxic"]}`,
		`{"text":"Заработок от 5000 в день, пиши в лс","labels":["spam"],"scope":["spam"]}`,
	}
	p := filepath.Join(t.TempDir(), "page.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCmdReplay_JSONShape(t *testing.T) {
	var out, errb bytes.Buffer
	code := runMain(context.Background(), []string{"replay", "-rules-only", "-json", "-window", "2", replayFile(t)}, stdio{nil, &out, &errb})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if n := strings.Count(strings.TrimSpace(out.String()), "\n"); n != 0 {
		t.Fatalf("want exactly one JSON object on one line, got %d lines:\n%s", n+1, out.String())
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(top); !reflect.DeepEqual(got, []string{"comments", "total", "window", "windows"}) {
		t.Fatalf("top-level keys %v", got)
	}
	var windows []map[string]json.RawMessage
	if err := json.Unmarshal(top["windows"], &windows); err != nil {
		t.Fatal(err)
	}
	var total map[string]json.RawMessage
	if err := json.Unmarshal(top["total"], &total); err != nil {
		t.Fatal(err)
	}
	want := []string{"clean_deleted", "from", "learned", "missed", "reviewed", "to"}
	for i, w := range append(windows, total) {
		if got := sortedKeys(w); !reflect.DeepEqual(got, want) {
			t.Errorf("window %d keys %v, want %v", i, got, want)
		}
		var missed map[string]json.RawMessage
		if err := json.Unmarshal(w["missed"], &missed); err != nil || !reflect.DeepEqual(sortedKeys(missed), []string{"spam", "toxic"}) {
			t.Errorf("window %d missed %s", i, w["missed"])
		}
	}
	var rep struct {
		Comments, Window int
		Windows          []struct{ From, To int }
		Total            struct {
			From, To int
			Missed   struct{ Toxic int }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Comments != 5 || rep.Window != 2 || len(rep.Windows) != 3 || rep.Windows[2].From != 4 || rep.Windows[2].To != 5 ||
		rep.Total.From != 0 || rep.Total.To != 5 {
		t.Errorf("counts %+v", rep)
	}
	if rep.Total.Missed.Toxic < 1 {
		t.Errorf("the toxic row without a rule word was not counted as missed: %+v", rep.Total)
	}
}

func TestCmdReplay_BadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"text\":\"x\",\"scope\":[\"toxic\"]}\nnot json\n"), 0o600)
	for _, args := range [][]string{
		{"replay"},
		{"replay", "-window", "0", bad},
		{"replay", "-rules-only", bad},
		{"replay", "-rules-only", "-seed", "x", replayFile(t)},
	} {
		var out, errb bytes.Buffer
		if code := runMain(context.Background(), args, stdio{nil, &out, &errb}); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
		if strings.Contains(strings.Join(args, " "), "bad.jsonl") && len(args) == 3 && !strings.Contains(errb.String(), "bad.jsonl:2") {
			t.Errorf("%v: error does not name the line: %s", args, errb.String())
		}
	}
}

func sortedKeys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
