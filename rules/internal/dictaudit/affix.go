// Package dictaudit expands a Hunspell dictionary into every word form its
// affix rules give, so that the rule packs' delete rules can be run over a
// whole language (the Scunthorpe audit in audit_test.go).
//
// Only what the Debian ru_RU and en_US dictionaries use is read: SFX and
// PFX classes with single-character flags, strip and add strings,
// conditions of letters, [set] and [^set], and cross products of a prefix
// with a suffix. Compound rules are ignored (en_US uses them for ordinal
// numbers only); a flag marked ONLYINCOMPOUND or NEEDAFFIX keeps the bare
// stem out.
package dictaudit

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Affixes holds the affix classes of one .aff file by flag.
type Affixes struct {
	sfx, pfx map[rune]*class
	noBare   map[rune]bool // ONLYINCOMPOUND and NEEDAFFIX flags
}

type class struct {
	cross bool
	rules []affix
}

type affix struct {
	strip, add string
	cond       []condPart // checked at the end (suffix) or start (prefix) of the stem
}

// condPart is one position of a condition: a letter set, negated or not;
// an empty set with neg is '.' (any letter).
type condPart struct {
	set string
	neg bool
}

func (p condPart) match(r rune) bool {
	return strings.ContainsRune(p.set, r) != p.neg
}

// ParseAff reads an .aff file. name is shown in errors.
func ParseAff(r io.Reader, name string) (*Affixes, error) {
	a := &Affixes{sfx: map[rune]*class{}, pfx: map[rune]*class{}, noBare: map[rune]bool{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch f[0] {
		case "FLAG":
			if len(f) > 1 && f[1] != "UTF-8" {
				return nil, fmt.Errorf("%s:%d: FLAG %s: only single-character flags are supported", name, line, f[1])
			}
		case "ONLYINCOMPOUND", "NEEDAFFIX":
			if len(f) > 1 {
				a.noBare[[]rune(f[1])[0]] = true
			}
		case "SFX", "PFX":
			if len(f) < 4 {
				return nil, fmt.Errorf("%s:%d: %s: want at least 4 fields, got %d", name, line, f[0], len(f))
			}
			flag := []rune(f[1])[0]
			m := a.sfx
			if f[0] == "PFX" {
				m = a.pfx
			}
			c := m[flag]
			if c == nil { // the header: SFX flag Y|N count
				if _, err := strconv.Atoi(f[3]); err != nil {
					return nil, fmt.Errorf("%s:%d: %s %c: bad rule count %q", name, line, f[0], flag, f[3])
				}
				m[flag] = &class{cross: f[2] == "Y"}
				continue
			}
			if len(f) < 5 {
				f = append(f, ".")
			}
			strip, add := f[2], f[3]
			if strip == "0" {
				strip = ""
			}
			if i := strings.IndexByte(add, '/'); i >= 0 {
				return nil, fmt.Errorf("%s:%d: %s %c: continuation flags are not supported", name, line, f[0], flag)
			}
			if add == "0" {
				add = ""
			}
			cond, err := parseCond(f[4])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s %c: %w", name, line, f[0], flag, err)
			}
			c.rules = append(c.rules, affix{strip: strip, add: add, cond: cond})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

func parseCond(s string) ([]condPart, error) {
	if s == "." {
		return nil, nil
	}
	var out []condPart
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '.':
			out = append(out, condPart{neg: true})
		case '[':
			j := i + 1
			neg := j < len(rs) && rs[j] == '^'
			if neg {
				j++
			}
			k := j
			for k < len(rs) && rs[k] != ']' {
				k++
			}
			if k >= len(rs) {
				return nil, fmt.Errorf("condition %q: unclosed [", s)
			}
			out = append(out, condPart{set: string(rs[j:k]), neg: neg})
			i = k
		default:
			out = append(out, condPart{set: string(rs[i])})
		}
	}
	return out, nil
}

// suffixOK reports whether a suffix rule applies to stem.
func (x affix) suffixOK(stem []rune) bool {
	if len(stem) < len(x.cond) || !strings.HasSuffix(string(stem), x.strip) {
		return false
	}
	tail := stem[len(stem)-len(x.cond):]
	for i, p := range x.cond {
		if !p.match(tail[i]) {
			return false
		}
	}
	return true
}

func (x affix) prefixOK(stem []rune) bool {
	if len(stem) < len(x.cond) || !strings.HasPrefix(string(stem), x.strip) {
		return false
	}
	for i, p := range x.cond {
		if !p.match(stem[i]) {
			return false
		}
	}
	return true
}

// Expand calls fn with every form of one .dic entry ("word/FLAGS"); forms
// may repeat.
func (a *Affixes) Expand(entry string, fn func(form string)) {
	word, flags, _ := strings.Cut(entry, "/")
	if i := strings.IndexAny(flags, " \t"); i >= 0 { // morphological fields
		flags = flags[:i]
	}
	if word == "" {
		return
	}
	bare := true
	for _, f := range flags {
		if a.noBare[f] {
			bare = false
		}
	}
	if bare {
		fn(word)
	}
	stem := []rune(word)
	var sfxForms []string // suffixed forms that may take a prefix too
	for _, f := range flags {
		c := a.sfx[f]
		if c == nil {
			continue
		}
		for _, x := range c.rules {
			if !x.suffixOK(stem) {
				continue
			}
			form := word[:len(word)-len(x.strip)] + x.add
			fn(form)
			if c.cross {
				sfxForms = append(sfxForms, form)
			}
		}
	}
	for _, f := range flags {
		c := a.pfx[f]
		if c == nil {
			continue
		}
		for _, x := range c.rules {
			if !x.prefixOK(stem) {
				continue
			}
			fn(x.add + word[len(x.strip):])
			if !c.cross {
				continue
			}
			for _, s := range sfxForms {
				if strings.HasPrefix(s, x.strip) {
					fn(x.add + s[len(x.strip):])
				}
			}
		}
	}
}

// ExpandFiles expands every entry of a .dic file with the rules of its
// .aff file; the .dic's first line (the entry count) is skipped.
func ExpandFiles(dicPath, affPath string, fn func(form string)) error {
	af, err := os.Open(affPath)
	if err != nil {
		return err
	}
	defer af.Close()
	a, err := ParseAff(af, affPath)
	if err != nil {
		return err
	}
	df, err := os.Open(dicPath)
	if err != nil {
		return err
	}
	defer df.Close()
	sc := bufio.NewScanner(df)
	sc.Buffer(nil, 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			if _, err := strconv.Atoi(strings.TrimSpace(sc.Text())); err == nil {
				continue
			}
		}
		a.Expand(strings.TrimSpace(sc.Text()), fn)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", dicPath, err)
	}
	return nil
}
