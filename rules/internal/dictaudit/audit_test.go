package dictaudit

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules"
)

// hunspellDir is where Debian's hunspell-ru and hunspell-en-us install.
const hunspellDir = "/usr/share/hunspell"

// dictionary returns the paths of a dictionary, skipping the test when it
// is absent, or failing it when CI is set (.ci/run installs it).
func dictionary(t *testing.T, name string) (dic, aff string) {
	t.Helper()
	dic, aff = filepath.Join(hunspellDir, name+".dic"), filepath.Join(hunspellDir, name+".aff")
	for _, p := range []string{dic, aff} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("dictionary %s missing in CI (apt-get install hunspell-ru hunspell-en-us): %v", name, err)
			}
			t.Skipf("dictionary %s not installed: %v", name, err)
		}
	}
	return dic, aff
}

// reviewed reads a list of forms that are deleted on purpose: one form per
// line, then a tab and why; # starts a comment.
func reviewed(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		form, why, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(why) == "" {
			t.Fatalf("%s:%d: want «form<TAB>why», got %q", path, n, line)
		}
		out[form] = strings.TrimSpace(why)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAudit_DictionaryForms runs every word form of the Russian and the
// English dictionary, alone as a comment, through the shipped packs: a
// form that is deleted (or banned) must be in the reviewed list, and every
// listed form of the dictionary must still be deleted, so the list cannot
// rot. It is the full dictionary, not a sample, except under the race
// detector (every raceSample-th form, and every listed one).
func TestAudit_DictionaryForms(t *testing.T) {
	e, err := rules.Load(rules.DefaultConfig(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dict, list string
	}{
		{"ru_RU", "testdata/audit_obscene_ru.txt"},
		{"en_US", "testdata/audit_obscene_en.txt"},
	} {
		t.Run(tc.dict, func(t *testing.T) {
			dic, aff := dictionary(t, tc.dict)
			ok := reviewed(t, tc.list)
			seen := map[string]bool{}
			var bad []string
			var c moderation.Comment
			var res moderation.Result
			n := 0
			err := ExpandFiles(dic, aff, func(form string) {
				if seen[form] {
					return
				}
				seen[form] = true
				n++
				_, listed := ok[form]
				if n%raceSample != 0 && !listed {
					return
				}
				c.Text = form
				res.Reset()
				e.Evaluate(&c, nil, &res)
				deleted := res.Verdict >= moderation.Delete
				switch {
				case deleted && !listed:
					bad = append(bad, fmt.Sprintf("%s\tdeleted by %s: %s", form, res.Matches[0].Rule, res.Reason()))
				case listed && !deleted:
					bad = append(bad, fmt.Sprintf("%s\tlisted as obscene but not deleted", form))
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if n < 100000 {
				t.Fatalf("%s expanded to only %d forms", tc.dict, n)
			}
			sort.Strings(bad)
			if len(bad) > 0 {
				if len(bad) > 200 {
					bad = append(bad[:200], fmt.Sprintf("… and %d more", len(bad)-200))
				}
				t.Errorf("%d of %d forms of %s disagree with %s:\n%s", len(bad), n, tc.dict, tc.list, strings.Join(bad, "\n"))
			}
			t.Logf("%s: %d distinct forms (every %d checked), %d listed as deleted on purpose", tc.dict, n, raceSample, len(ok))
		})
	}
}
