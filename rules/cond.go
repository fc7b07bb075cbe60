package rules

import (
	"regexp"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/normalize"
)

type condKind uint8

const (
	cAll condKind = iota
	cAny
	cNot
	cAtLeast
	cLexicon       // lexicon hits (distinct entries) >= n
	cMasked        // a masked word reads as an entry of the lexicon
	cRegex         // Go regexp on the text or the normalised text
	cLink          // number of links >= n
	cLinkDomain    // a link to one of the domains
	cLinkOutside   // a link to a domain outside the list
	cShortener     // a link through a URL shortener
	cInvite        // an invite link into an outside chat
	cTelegram      // a Telegram link
	cPhone         // phone numbers >= n
	cEmail         // e-mail addresses >= n
	cMentions      // @mentions >= n
	cEmoji         // pictographs >= n
	cCaps          // share of upper-case letters >= f (with at least 8 letters)
	cLatin         // share of Latin letters among letters >= f
	cOther         // share of letters neither Cyrillic nor Latin (CJK, Arabic, …) >= f
	cMixed         // Cyrillic words disguised with look-alikes >= n
	cLengthMin     // runes >= n
	cLengthMax     // runes <= n
	cAuthorNew     // the author has not commented on this account before
	cAuthorPage    // the page itself wrote it
	cAuthorMgr     // a manager wrote it
	cViolations    // the author's violations within d >= n
	cFlood         // the author's comments within d >= n
	cDuplicates    // similar comments by anyone within d >= n
	cOwnDuplicates // similar comments by the same author within d >= n
	cAccount       // the comment is on one of the accounts
	cModel         // the learned model's score for a label >= f (n: the rules' model label)
	cNear          // hits of the lexicons in this order, at most n words apart
)

// cond is a compiled condition.
type cond struct {
	kind  condKind
	kids  []*cond
	n     int
	f     float64
	d     time.Duration
	lex   []int32
	re    *regexp.Regexp
	norm  bool      // regex on the normalised text
	needs []byteSet // regex: the text must have a byte of each (regexNeeds)
	lit   *litStart // regex: where its matches can start, if known
	alt   *altSplit // regex: \A(?:A|B) run branch by branch
	strs  []string
	want  bool // for boolean leaves: the value that makes it true
	// district: violations counted on every page of the network
	// (scope: district), where the history can (moderation.DistrictHistory).
	district bool
	line     int
	field    string
	auto     bool // model: the minimum is the page's (Engine.WithPage), not f
}

// eval reports whether c holds for the comment prepared in s.
func (c *cond) eval(s *state) bool {
	switch c.kind {
	case cAll:
		for _, k := range c.kids {
			if !k.eval(s) {
				return false
			}
		}
		return true
	case cAny:
		for _, k := range c.kids {
			if k.eval(s) {
				return true
			}
		}
		return false
	case cNot:
		m := s.match
		ok := !c.kids[0].eval(s)
		s.match = m
		return ok
	case cAtLeast:
		n := 0
		for i, k := range c.kids {
			if k.eval(s) {
				n++
				if n >= c.n {
					return true
				}
			}
			if n+len(c.kids)-i-1 < c.n {
				return false
			}
		}
		return false
	case cLexicon:
		cnt := 0
		for _, l := range c.lex {
			st := &s.lex[l]
			if st.count > 0 {
				cnt += int(st.count)
				if !s.match.ok {
					s.setMatch(s.lexSpan(st))
				}
			}
		}
		return cnt >= c.n
	case cMasked:
		for _, l := range c.lex {
			if st := &s.masked[l]; st.count > 0 {
				s.setMatch(s.lexSpan(st))
				return true
			}
		}
		return false
	case cRegex:
		if c.norm {
			return c.re.Match(s.text.N)
		}
		if len(c.needs) > 0 {
			if !s.asciiDone {
				s.ascii, s.asciiDone = asciiBytes(s.txt), true
			}
			for _, n := range c.needs {
				if !n.meets(s.ascii) {
					return false
				}
			}
		}
		if s.match.ok {
			// an earlier condition gave the match: no position needed,
			// and MatchString allocates nothing (FindStringIndex does)
			switch {
			case c.lit != nil:
				return c.lit.match(s.txt)
			case c.alt != nil:
				_, ok := c.alt.find(s.txt, false)
				return ok
			}
			return c.re.MatchString(s.txt)
		}
		var loc []int
		switch {
		case c.lit != nil:
			loc = c.lit.find(s.txt)
		case c.alt != nil:
			loc, _ = c.alt.find(s.txt, true)
		default:
			loc = c.re.FindStringIndex(s.txt)
		}
		if loc != nil {
			s.setMatch(int32(loc[0]), int32(loc[1]))
			return true
		}
		return false
	case cLink:
		f := s.feat()
		if f.untrusted < c.n {
			return false
		}
		for _, l := range f.links {
			if !l.trusted {
				s.setMatchString(l.text)
				break
			}
		}
		return true
	case cLinkDomain, cLinkOutside:
		for _, l := range s.feat().links {
			in := false
			for _, d := range c.strs {
				if hostIs(l.host, d) {
					in = true
					break
				}
			}
			if in == (c.kind == cLinkDomain) {
				s.setMatchString(l.text)
				return true
			}
		}
		return false
	case cShortener, cTelegram:
		list := shorteners
		if c.kind == cTelegram {
			list = telegramHosts
		}
		found := false
		for _, l := range s.feat().links {
			for _, d := range list {
				if hostIs(l.host, d) {
					s.setMatchString(l.text)
					found = true
					break
				}
			}
		}
		return found == c.want
	case cInvite:
		found := false
		for _, l := range s.feat().links {
			if isInvite(l) {
				s.setMatchString(l.text)
				found = true
				break
			}
		}
		return found == c.want
	case cPhone:
		f := s.feat()
		if f.phones >= c.n {
			s.setMatchString(f.phone)
			return true
		}
		return false
	case cEmail:
		if s.feat().emails >= c.n {
			s.setMatchString("e-mail")
			return true
		}
		return false
	case cMentions:
		f := s.feat()
		if f.mentions >= c.n {
			s.setMatchString(f.mention)
			return true
		}
		return false
	case cEmoji:
		return s.text.Emoji >= c.n
	case cCaps:
		return s.text.Letters >= 8 && float64(s.text.Upper) >= c.f*float64(s.text.Letters)
	case cLatin:
		return s.text.Letters >= 8 && float64(s.text.Latin) >= c.f*float64(s.text.Letters)
	case cOther:
		// Letters of other scripts end words in N, so lexicons never see
		// them: this share is what gates a regex on the original text.
		t := &s.text.Stats
		return t.Letters >= 8 && float64(t.Other) >= c.f*float64(t.Letters)
	case cMixed:
		return s.text.Mixed >= c.n
	case cLengthMin:
		return s.text.Runes >= c.n
	case cLengthMax:
		return s.text.Runes <= c.n
	case cAuthorNew:
		isNew := s.h == nil || !s.h.Known(s.c.Account, s.c.Author.ID)
		return isNew == c.want
	case cAuthorPage:
		return s.c.Author.IsPage == c.want
	case cAuthorMgr:
		return s.c.Author.IsManager == c.want
	case cViolations:
		if s.h == nil {
			return false
		}
		if dh, ok := s.h.(moderation.DistrictHistory); ok && c.district {
			return dh.DistrictViolations(s.c.Network, s.c.Author.ID, s.now().Add(-c.d)) >= c.n
		}
		return s.h.Violations(s.c.Account, s.c.Author.ID, s.now().Add(-c.d)) >= c.n
	case cFlood:
		return s.h != nil && s.h.Comments(s.c.Account, s.c.Author.ID, s.now().Add(-c.d)) >= c.n
	case cDuplicates:
		return s.h != nil && s.h.Similar(s.c.Account, s.out.Fingerprint, c.f, s.now().Add(-c.d)) >= c.n
	case cModel:
		v, min := s.modelScore(c.n), c.f
		if c.auto {
			min = s.e.autoMin(c.n)
		}
		if v < min {
			return false
		}
		if !s.match.ok {
			s.setMatchScore(c.strs[0], v)
		}
		return true
	case cOwnDuplicates:
		return s.h != nil && s.h.SimilarByAuthor(s.c.Account, s.c.Author.ID, s.out.Fingerprint, c.f, s.now().Add(-c.d)) >= c.n
	case cNear:
		return s.near(c.lex, c.n)
	case cAccount:
		for _, a := range c.strs {
			if a == s.c.Account {
				return true
			}
		}
		return false
	}
	return false
}

// near reports a chain of hits, one of each lexicon of lex in this order
// in the same buffer, with at most gap words between one and the next
// ("надо бы их расстрелять": модальность, цель, глагол). The hits are few,
// so the search is a plain walk over them.
func (s *state) near(lex []int32, gap int) bool {
	for _, l := range lex {
		if s.lex[l].count == 0 {
			return false // no live hit of l in either buffer: no chain
		}
	}
	for i := range s.hits {
		h := &s.hits[i]
		if h.dead || h.t.lex != lex[0] {
			continue
		}
		if end, ok := s.nearFrom(h, lex[1:], gap); ok {
			a, _ := s.span(h.src, h.start, h.end)
			_, b := s.span(h.src, end-1, end)
			s.setMatch(a, b)
			return true
		}
	}
	return false
}

// nearFrom continues a chain after prev; it returns the end of its last hit.
func (s *state) nearFrom(prev *hit, lex []int32, gap int) (int32, bool) {
	if len(lex) == 0 {
		return prev.end, true
	}
	buf := s.text.N
	if prev.src == 1 {
		buf = s.text.T
	}
	for i := range s.hits {
		h := &s.hits[i]
		if h.dead || h.t.lex != lex[0] || h.src != prev.src || h.start < prev.end {
			continue
		}
		words := -1 // the spaces between the two hits, less one: whole words between
		for k := prev.end; k < h.start && words <= gap; k++ {
			if buf[k] == normalize.Space {
				words++
			}
		}
		if words > gap || words < 0 && h.start != prev.end {
			continue
		}
		if end, ok := s.nearFrom(h, lex[1:], gap); ok {
			return end, true
		}
	}
	return 0, false
}

// usesT reports whether normalised matching is needed at all (it always
// is for lexicons); kept for clarity of intent.
var _ = normalize.Space
