package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCmdEval_BySourceWritesErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, rude string) string {
		var b strings.Builder
		for i := 0; i < 30; i++ {
			fmt.Fprintf(&b, "{\"text\":\"%s %d\",\"labels\":[\"toxic\"],\"scope\":[\"toxic\"]}\n", rude, i)
			fmt.Fprintf(&b, "{\"text\":\"спасибо за новую дорогу %d\",\"labels\":[],\"scope\":[\"toxic\",\"spam\"]}\n", i)
			fmt.Fprintf(&b, "{\"text\":\"быстрый заработок пишите в лс %d\",\"labels\":[\"spam\"],\"scope\":[\"spam\"]}\n", i)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Neither made-up word is in the rules; each is known only to the
	// model trained on its own file, which never judges that file.
	a, b := write("a.jsonl", "кракозябра"), write("b.jsonl", "шмурдяк")
	errs := filepath.Join(dir, "errors.jsonl")
	var so, se bytes.Buffer
	code := runMain(context.Background(), []string{"eval", "-by-source", "-errors", errs, a, b}, stdio{nil, &so, &se})
	if code != 0 {
		t.Fatalf("eval exit %d: %s", code, se.String())
	}
	for _, want := range []string{"a.jsonl", "b.jsonl", "set apart"} {
		if !strings.Contains(so.String(), want) {
			t.Errorf("no %q in the report:\n%s", want, so.String())
		}
	}
	f, err := os.Open(errs)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	missed := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r errorRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("errors line %q: %v", sc.Text(), err)
		}
		if strings.HasPrefix(r.Text, "быстрый") {
			continue // spam: whatever the rules make of it
		}
		rude := strings.HasPrefix(r.Text, "кракозябра") || strings.HasPrefix(r.Text, "шмурдяк")
		if r.Kind != "missed" || r.Verdict != "allow" || !rude {
			t.Errorf("errors row %+v, want only the missed rude rows, allowed", r)
		}
		missed[r.File]++
	}
	if missed["a.jsonl"] != 30 || missed["b.jsonl"] != 30 {
		t.Errorf("missed rows per file %v, want all 30 of each: the judging model never saw the file's word", missed)
	}

	so.Reset()
	se.Reset()
	if code := runMain(context.Background(), []string{"eval", "-errors", errs, a}, stdio{nil, &so, &se}); code == 0 || !strings.Contains(se.String(), "-errors needs") {
		t.Errorf("-errors without -kfold: exit %d, %q; want a usage error", code, se.String())
	}
}
