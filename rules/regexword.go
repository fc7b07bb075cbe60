package rules

import "regexp/syntax"

// A branch of spam.task starts \s*(\p{Lu}\p{Ll}+(ть|ти|ться)|Помощь|…): the
// group can only match the text's first word, so one of its literals must
// be in that word; most comments' first word has none, and checking that
// is a few hundred instructions where the backtracker takes 15,000 to say
// no. The rest of the text is not looked at.

// firstWordNeed returns the literals one of which the first word of every
// text the branch t (simplified, anchored at the start) matches holds, or
// nil, and the endings one of which that word ends with, or nil. t must be a concatenation: optionally \s*, then a part that matches
// at least one rune and never a \s (so it starts at the first rune after
// the leading white space and ends inside that word), then anything.
func firstWordNeed(t *syntax.Regexp) (*litSet, []string) {
	if t.Op != syntax.OpConcat || len(t.Sub) < 2 {
		return nil, nil
	}
	k := 0
	if spaceStar(t.Sub[0]) {
		k = 1
	}
	w := t.Sub[k]
	if nullable(w) || !noSpace(w) {
		return nil, nil
	}
	var set *litSet
	if lits := required(w); lits != nil {
		set = newLitSet(lits)
	}
	// followed at once by a \s, the part is the whole first word: that
	// word ends with one of the part's endings
	var ends []string
	if k+1 < len(t.Sub) && spaceClass(t.Sub[k+1]) {
		ends, _ = endings(w)
	}
	return set, ends
}

// spaceClass reports a class of \s runes only (one rune, never empty).
func spaceClass(t *syntax.Regexp) bool {
	if t.Op != syntax.OpCharClass || len(t.Rune) == 0 {
		return false
	}
	for i := 0; i+1 < len(t.Rune); i += 2 {
		for c := t.Rune[i]; c <= t.Rune[i+1]; c++ {
			if !isRegexSpace(c) {
				return false
			}
		}
	}
	return true
}

// maxEndings bounds the endings of a part.
const maxEndings = 64

// endings returns strings one of which every text t matches ends with
// (nil: none known), and whether they are exactly the texts t matches (so
// what comes before them in a concatenation may be prepended).
func endings(t *syntax.Regexp) ([]string, bool) {
	switch t.Op {
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 || len(t.Rune) == 0 {
			return nil, false
		}
		return []string{string(t.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(t.Rune); i += 2 {
			if t.Rune[i+1]-t.Rune[i] >= maxClassRn || len(out) > maxClassRn {
				return nil, false
			}
			for c := t.Rune[i]; c <= t.Rune[i+1]; c++ {
				out = append(out, string(c))
			}
		}
		if len(out) == 0 || len(out) > maxClassRn {
			return nil, false
		}
		return out, true
	case syntax.OpCapture:
		return endings(t.Sub[0])
	case syntax.OpAlternate:
		var out []string
		exact := true
		for _, s := range t.Sub {
			l, ex := endings(s)
			if l == nil || len(out)+len(l) > maxEndings {
				return nil, false
			}
			out, exact = append(out, l...), exact && ex
		}
		return out, exact
	case syntax.OpConcat:
		n := len(t.Sub)
		out, exact := endings(t.Sub[n-1])
		if out == nil {
			return nil, false
		}
		for i := n - 2; i >= 0 && exact; i-- {
			l, ex := endings(t.Sub[i])
			if l == nil || len(l)*len(out) > maxEndings {
				return out, false
			}
			var p []string
			for _, a := range l {
				for _, b := range out {
					p = append(p, a+b)
				}
			}
			out, exact = p, ex
		}
		return out, exact
	}
	return nil, false
}

// firstWord is s's first run of bytes that are not \s ([\t\n\f\r ]),
// after the leading ones.
func firstWord(s string) string {
	i := 0
	for i < len(s) && isRegexSpace(rune(s[i])) {
		i++
	}
	j := i
	for j < len(s) && !isRegexSpace(rune(s[j])) {
		j++
	}
	return s[i:j]
}

// isRegexSpace is regexp's \s.
func isRegexSpace(r rune) bool {
	return r == '\t' || r == '\n' || r == '\f' || r == '\r' || r == ' '
}

// spaceStar reports \s* (any repetition from zero of \s runes only).
func spaceStar(t *syntax.Regexp) bool {
	if t.Op != syntax.OpStar || t.Sub[0].Op != syntax.OpCharClass {
		return false
	}
	r := t.Sub[0].Rune
	for i := 0; i+1 < len(r); i += 2 {
		for c := r[i]; c <= r[i+1]; c++ {
			if !isRegexSpace(c) {
				return false
			}
		}
	}
	return true
}

// noSpace reports that t never matches a \s rune.
func noSpace(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpLiteral:
		for _, r := range t.Rune {
			if isRegexSpace(r) {
				return false // (no rune folds to one of them)
			}
		}
		return true
	case syntax.OpCharClass:
		r := t.Rune
		for i := 0; i+1 < len(r); i += 2 {
			for _, c := range []rune{'\t', '\n', '\f', '\r', ' '} {
				if r[i] <= c && c <= r[i+1] {
					return false
				}
			}
		}
		return true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat, syntax.OpConcat, syntax.OpAlternate:
		for _, s := range t.Sub {
			if !noSpace(s) {
				return false
			}
		}
		return true
	}
	return false
}

// nullable reports that t may match the empty string.
func nullable(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpLiteral:
		return len(t.Rune) == 0
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL, syntax.OpNoMatch:
		return false
	case syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpPlus, syntax.OpCapture:
		return nullable(t.Sub[0])
	case syntax.OpRepeat:
		return t.Min == 0 || nullable(t.Sub[0])
	case syntax.OpConcat:
		for _, s := range t.Sub {
			if !nullable(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range t.Sub {
			if nullable(s) {
				return true
			}
		}
		return false
	}
	return true // empty-width assertions, the empty match
}
