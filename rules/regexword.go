package rules

import "regexp/syntax"

// A branch of spam.task starts \s*(\p{Lu}\p{Ll}+(ть|ти|ться)|Помощь|…): the
// group can only match the text's first word, so one of its literals must
// be in that word; most comments' first word has none, and checking that
// is a few hundred instructions where the backtracker takes 15,000 to say
// no. The rest of the text is not looked at.

// firstWordNeed returns the literals one of which the first word of every
// text the branch t (simplified, anchored at the start) matches holds, or
// nil. t must be a concatenation: optionally \s*, then a part that matches
// at least one rune and never a \s (so it starts at the first rune after
// the leading white space and ends inside that word), then anything.
func firstWordNeed(t *syntax.Regexp) *litSet {
	if t.Op != syntax.OpConcat || len(t.Sub) < 2 {
		return nil
	}
	k := 0
	if spaceStar(t.Sub[0]) {
		k = 1
	}
	w := t.Sub[k]
	if nullable(w) || !noSpace(w) {
		return nil
	}
	lits := required(w)
	if lits == nil {
		return nil
	}
	return newLitSet(lits)
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
