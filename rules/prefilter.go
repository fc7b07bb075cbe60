package rules

import (
	"math/bits"
	"slices"
)

// A rule is skipped without evaluating its condition when the comment has
// none of what the condition needs. need computes that at load time as a
// bit set: bit(i) for a hit of lexicon i (plain or masked), bitLinks for
// anything the link, phone, e-mail and mention conditions could see, and
// bitMixed for a disguised word. A condition has a need when it can only
// hold if at least one of its bits is present.
const (
	bitLinks   = 62
	bitMixed   = 63
	maxLexBits = 62
)

// lexBits maps a lexicon to its bit. Only the lexicons some rule's gate
// reads get one (gateBits), in order; past maxLexBits they share bits. A
// shared bit present only means "look", so a rule is never skipped
// wrongly, however many lexicons the packs and the page define.
type lexBits func(l int32) uint64

// modBits is the plain mapping: lexicon l, modulo the bits.
func modBits(l int32) uint64 { return 1 << (uint64(l) % maxLexBits) }

// gateBits gives bits only to the lexicons that the rules' gates read
// (those in some rule's need or needAll, found rule by rule with a
// mapping of the rule's own lexicons), so that lexicons only ever read
// after a gate passed (an exception, a second condition) take no bit
// from the ones that gate.
func gateBits(rs []*rule, nlex int) []uint64 {
	used := make([]bool, nlex)
	for _, r := range rs {
		if r.cond == nil {
			continue
		}
		var own []int32
		walkLex(r.cond, func(l int32) {
			if !slices.Contains(own, l) {
				own = append(own, l)
			}
		})
		if len(own) > maxLexBits {
			for _, l := range own {
				used[l] = true
			}
			continue
		}
		local := func(l int32) uint64 { return 1 << slices.Index(own, l) }
		b, _ := need(r.cond, local)
		b |= needAll(r.cond, local)
		for i, l := range own {
			if b&(1<<i) != 0 {
				used[l] = true
			}
		}
	}
	out := make([]uint64, nlex)
	next := 0
	for l, u := range used {
		if u {
			out[l] = 1 << (next % maxLexBits)
			next++
		}
	}
	return out
}

// walkLex calls fn for every lexicon a condition reads.
func walkLex(c *cond, fn func(int32)) {
	for _, l := range c.lex {
		fn(l)
	}
	for _, k := range c.kids {
		walkLex(k, fn)
	}
}

// need reports the bits c needs; ok is false when c may hold with none
// (a negation, a regular expression, a history condition, …).
func need(c *cond, bit lexBits) (bits uint64, ok bool) {
	switch c.kind {
	case cLexicon, cMasked:
		if c.kind == cLexicon && c.n < 1 {
			return 0, false
		}
		for _, l := range c.lex {
			bits |= bit(l)
		}
		return bits, len(c.lex) > 0
	case cNear:
		// every lexicon must have a hit: the last one (the most specific,
		// by convention: the verb) will do
		return bit(c.lex[len(c.lex)-1]), true
	case cLink, cPhone, cEmail, cMentions:
		return 1 << bitLinks, c.n >= 1
	case cLinkDomain, cLinkOutside:
		return 1 << bitLinks, true
	case cShortener, cTelegram, cInvite:
		return 1 << bitLinks, c.want
	case cMixed:
		return 1 << bitMixed, c.n >= 1
	case cAll:
		// any one kid's need will do: take the narrowest
		best, found := uint64(0), false
		for _, k := range c.kids {
			if b, ok := need(k, bit); ok && (!found || popcount(b) < popcount(best)) {
				best, found = b, true
			}
		}
		return best, found
	case cAny:
		for _, k := range c.kids {
			b, ok := need(k, bit)
			if !ok {
				return 0, false
			}
			bits |= b
		}
		return bits, len(c.kids) > 0
	case cAtLeast:
		// c.n kids must hold; if fewer than c.n kids lack a need, one
		// with a need is among them
		free := 0
		for _, k := range c.kids {
			b, ok := need(k, bit)
			if !ok {
				free++
				continue
			}
			bits |= b
		}
		return bits, c.n >= 1 && free < c.n
	}
	return 0, false
}

// needAll reports bits that must all be present for c to hold (0: none
// known). need's one-of-these is weak for a condition that needs several
// lexicons at once (near: a modal word, a target and a verb); this skips
// such a rule when any of them is missing.
func needAll(c *cond, bit lexBits) uint64 {
	switch c.kind {
	case cLexicon, cMasked:
		if len(c.lex) == 1 && (c.kind == cMasked || c.n >= 1) {
			return bit(c.lex[0])
		}
	case cNear:
		var bits uint64
		for _, l := range c.lex {
			bits |= bit(l)
		}
		return bits
	case cLink, cPhone, cEmail, cMentions:
		if c.n >= 1 {
			return 1 << bitLinks
		}
	case cLinkDomain, cLinkOutside:
		return 1 << bitLinks
	case cShortener, cTelegram, cInvite:
		if c.want {
			return 1 << bitLinks
		}
	case cMixed:
		if c.n >= 1 {
			return 1 << bitMixed
		}
	case cAll:
		var bits uint64
		for _, k := range c.kids {
			bits |= needAll(k, bit)
		}
		return bits
	case cAny:
		if len(c.kids) == 0 {
			return 0
		}
		bits := ^uint64(0)
		for _, k := range c.kids {
			bits &= needAll(k, bit)
		}
		return bits
	}
	return 0
}

// skipped reports whether the prefilter skips r for a comment that has the
// bits has: its condition cannot hold.
func (r *rule) skipped(has uint64) bool {
	return r.needOK && r.need&has == 0 || r.needAll&has != r.needAll
}

// ruleGate is what Evaluate reads of every rule before it looks at one:
// one array of them, in the rules' order, instead of a pointer to follow
// per rule (most rules are skipped, and the rules are spread over the
// heap).
type ruleGate struct {
	need, needAll uint64
	needOK        bool
	exempt        bool
}

func gatesOf(rs []*rule) []ruleGate {
	g := make([]ruleGate, len(rs))
	for i, r := range rs {
		g[i] = ruleGate{need: r.need, needAll: r.needAll, needOK: r.needOK, exempt: r.exempt}
	}
	return g
}

func (g *ruleGate) skipped(has uint64) bool {
	return g.needOK && g.need&has == 0 || g.needAll&has != g.needAll
}

// gateSets are, as bit sets over the rules (a bit per rule of
// Engine.rules), the rules a comment's bits may let through: those whose
// gate reads none of them (always), and per bit those whose need has it or,
// without a need, whose needAll starts with it. Evaluate looks only at the
// rules in always or in the set of a bit the comment has, instead of at
// every gate; the gate itself still decides.
type gateSets struct {
	words  int      // uint64s per set
	always []uint64 // words
	byBit  []uint64 // 64 sets of words
}

func setsOf(gs []ruleGate) gateSets {
	w := (len(gs) + 63) / 64
	s := gateSets{words: w, always: make([]uint64, w), byBit: make([]uint64, 64*w)}
	for i, g := range gs {
		word, bit := i>>6, uint64(1)<<(i&63)
		switch {
		case g.needOK:
			for b := g.need; b != 0; b &= b - 1 {
				s.byBit[bits.TrailingZeros64(b)*w+word] |= bit
			}
		case g.needAll != 0:
			s.byBit[bits.TrailingZeros64(g.needAll)*w+word] |= bit
		default:
			s.always[word] |= bit
		}
	}
	return s
}

// fill writes to dst (words long) the rules a comment with the bits has
// may pass: every rule whose gate passes is among them.
func (s *gateSets) fill(dst []uint64, has uint64) {
	copy(dst, s.always)
	for b := has; b != 0; b &= b - 1 {
		row := s.byBit[bits.TrailingZeros64(b)*s.words:][:len(dst)]
		for k := range dst {
			dst[k] |= row[k]
		}
	}
}

func popcount(b uint64) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}

// present is what the prepared comment has, in need's bits.
func (s *state) present() uint64 {
	p := s.hasLex
	if s.text.Hints > 0 || s.text.Digits >= 10 || len(s.c.Links) > 0 {
		p |= 1 << bitLinks
	}
	if s.text.Mixed > 0 {
		p |= 1 << bitMixed
	}
	return p
}
