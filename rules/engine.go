package rules

import (
	"bytes"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
	"github.com/strazh/strazh/rules/normalize"
)

// Engine is a compiled rule set. It is read-only after Load and safe for
// concurrent use.
type Engine struct {
	all      []*rule    // every rule in load order, enabled or not
	rules    []*rule    // enabled rules by priority (high first), then load order
	gates    []ruleGate // per rule of rules: what decides whether to look at it
	cands    gateSets   // the rules whose gates may pass, by the bits a comment has
	files    []*ruleFile
	lexicons []*lexicon
	nEntries int
	lexBit   []uint64 // per lexicon, its gate bit (gateBits); 0: no rule's gate reads it

	tStart   *trie      // entries anchored at a word start
	tAny     *automaton // literal entries that may start inside a word
	tAnyWalk *trie      // the rest of those: with a Star inside, or too many for the automaton
	masked   []int32
	forms    [][]maskForm  // per lexicon, for masked matching
	trusted  []trustedSite // links to these are not counted by link:/links:

	modelLabels []string       // labels the model conditions ask for
	model       *model.Model   // nil: model conditions never hold
	modelIdx    []int          // modelLabels[i] is the model's label modelIdx[i] (-1: none)
	keep        []keepRule     // rules.model.keep
	pageDelete  []float64      // per model label: the page's auto delete threshold (2: none)
	pageKeep    []float64      // per model label: the page's auto keep threshold (0: none)
	pageConfirm []float64      // per model label: the page's review-to-delete threshold (2: none)
	pageBudget  []ReviewBudget // per model label: the page's review budget for the model alone (nil: none)
	pageLearned bool           // the model learned the page: keep may act
	pageShort   [][]*rule      // per model label: the model's own review rules that are on (see pageAsk)

	pool sync.Pool
}

type maskForm struct {
	form                   []byte
	anchorStart, anchorEnd bool
}

// RuleInfo describes a rule for `strazh check`.
type RuleInfo struct {
	ID       string
	Label    string
	Action   string        // allow, review, delete, ban or tag
	BanFor   time.Duration // for ban; 0: the account's ban.duration applies
	Priority int
	Pack     string
	File     string
	Line     int
	Enabled  bool
}

// Rules lists every rule, enabled or not, in evaluation order.
func (e *Engine) Rules() []RuleInfo {
	rs := append([]*rule(nil), e.all...)
	sortRules(rs)
	out := make([]RuleInfo, 0, len(rs))
	for _, r := range rs {
		action := r.action.String()
		if r.tag {
			action = ActionTag
		}
		out = append(out, RuleInfo{ID: r.id, Label: r.label, Action: action, BanFor: r.banFor,
			Priority: r.priority, Pack: r.pack, File: r.file, Line: r.line, Enabled: r.enabled})
	}
	return out
}

// sortRules orders by priority, then load order; tag rules go after every
// rule that decides, so a result's first match and label are the verdict's.
func sortRules(rs []*rule) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].tag != rs[j].tag {
			return !rs[i].tag
		}
		if rs[i].priority != rs[j].priority {
			return rs[i].priority > rs[j].priority
		}
		return rs[i].order < rs[j].order
	})
}

func (e *Engine) build() {
	for _, r := range e.all {
		if r.enabled {
			e.rules = append(e.rules, r)
		}
	}
	e.lexBit = gateBits(e.all, len(e.lexicons))
	bit := func(l int32) uint64 { return e.lexBit[l] }
	for _, r := range e.all {
		if r.cond != nil {
			r.need, r.needOK = need(r.cond, bit)
			r.needAll = needAll(r.cond, bit)
		}
	}
	sortRules(e.rules)
	e.gates = gatesOf(e.rules)
	e.cands = setsOf(e.gates)
	bs, ba, bw := newTrieBuilder(), newTrieBuilder(), newTrieBuilder()
	nforms := 0
	for _, l := range e.lexicons {
		for _, p := range l.patterns {
			nforms += len(p.forms)
		}
	}
	bs.grow(nforms) // nearly all are anchored at a word start
	var anyForms [][]byte
	var anyTerms []term
	e.forms = make([][]maskForm, len(e.lexicons))
	for li, l := range e.lexicons {
		if l.masked {
			e.masked = append(e.masked, int32(li))
		}
		for _, p := range l.patterns {
			entry := int32(e.nEntries)
			e.nEntries++
			for _, f := range p.forms {
				t := term{lex: int32(li), entry: entry, anchorEnd: f.anchorEnd, exception: p.exception}
				switch {
				case f.anchorStart:
					bs.add(f.b, t)
				case bytes.IndexByte(f.b, Star) >= 0:
					bw.add(f.b, t)
				default:
					ba.add(f.b, t)
					anyForms = append(anyForms, f.b)
					anyTerms = append(anyTerms, t)
				}
				if l.masked && !p.exception && bytes.IndexByte(f.b, Star) < 0 {
					e.forms[li] = append(e.forms[li], maskForm{form: f.b, anchorStart: f.anchorStart, anchorEnd: f.anchorEnd})
				}
			}
		}
	}
	e.tStart = bs.build()
	if e.tAny = newAutomaton(ba); e.tAny == nil {
		for i, f := range anyForms { // too large for the automaton: walk them
			bw.add(f, anyTerms[i])
		}
	}
	e.tAnyWalk = bw.build()
	e.pool.New = func() any { return e.newState() }
}

// lexState is what one lexicon found in a comment.
type lexState struct {
	count      int32 // distinct entries
	start, end int32 // the first hit: in its buffer until spanned, then byte offsets in the original text
	src        uint8 // the first hit's buffer (0: N, 1: T)
	spanned    bool  // start and end are in the original text
}

// lexSpan is st's first hit in the original text, mapped on first use: most
// lexicons found are never a rule's match.
func (s *state) lexSpan(st *lexState) (int32, int32) {
	if !st.spanned {
		st.start, st.end = s.span(st.src, st.start, st.end)
		st.spanned = true
	}
	return st.start, st.end
}

// state is the per-comment scratch space, pooled.
type state struct {
	e         *Engine
	c         *moderation.Comment
	h         moderation.History
	out       *moderation.Result
	txt       string // the evaluated text: c.Text cut to MaxEvalRunes
	text      normalize.Text
	hits      []hit
	more      []hit // scratch: hits of entries that may start inside a word
	exc       []hit // the exception hits, by lexicon, buffer and start
	excEnd    []int32
	work      int // bytes stepped over by the scans (tests check it grows linearly)
	sc        scratch
	lex       []lexState
	masked    []lexState
	hasLex    uint64 // Engine.lexBit[i]: lexicon i (or one sharing its bit) has a hit, plain or masked
	seen      []uint32
	gen       uint32
	cand      []uint64 // the rules Evaluate looks at (gateSets.fill)
	f         features
	fdone     bool
	ascii     byteSet // the ASCII bytes of txt, once asciiDone
	asciiDone bool
	scored    bool // scores hold this comment's model scores
	scores    [maxModelLabels]float64
	t         time.Time
	match     struct {
		ok         bool
		start, end int32 // in txt, or in arena when inArena
		s          string
		inArena    bool
	}
	// arena holds the texts this comment's matches make (reasons, model
	// scores); Evaluate turns it into one string at the end and points
	// the matches' Reason and Matched into it: one allocation per comment
	// with a dynamic reason, none without.
	arena []byte
	fix   []fixup
}

// fixup is a match whose Reason (and Matched, when matchedArena) are
// ranges of the arena until Evaluate resolves them.
type fixup struct {
	i                  int // in out.Matches
	reason, matched    [2]int32
	hasReason, inArena bool
}

func (e *Engine) newState() *state {
	return &state{e: e, lex: make([]lexState, len(e.lexicons)), masked: make([]lexState, len(e.lexicons)),
		seen: make([]uint32, e.nEntries), hits: make([]hit, 0, 64), more: make([]hit, 0, 16), cand: make([]uint64, e.cands.words)}
}

func (s *state) setMatch(start, end int32) {
	if !s.match.ok {
		s.match.ok, s.match.start, s.match.end, s.match.s, s.match.inArena = true, start, end, "", false
	}
}

func (s *state) setMatchString(m string) {
	if !s.match.ok {
		s.match.ok, s.match.s, s.match.inArena = true, m, false
	}
}

// setMatchScore records "toxic 0.93" (scoreMatch) in the arena as the
// match, unless there is one.
func (s *state) setMatchScore(label string, v float64) {
	if !s.match.ok {
		a := len(s.arena)
		s.arena = appendScore(s.arena, label, v)
		s.match.ok, s.match.inArena, s.match.s = true, true, ""
		s.match.start, s.match.end = int32(a), int32(len(s.arena))
	}
}

// matched is the match as a string (allocating for one in the arena:
// fire reads it there instead).
func (s *state) matched() string {
	if !s.match.ok {
		return ""
	}
	if s.match.inArena {
		return string(s.arena[s.match.start:s.match.end])
	}
	if s.match.s != "" {
		return s.match.s
	}
	return s.txt[s.match.start:s.match.end]
}

func (s *state) feat() *features {
	if !s.fdone {
		s.fdone = true
		s.f.reset()
		// Normalize saw every character a link, an e-mail, a mention or a
		// phone number needs; without them the scan would find nothing.
		if s.text.Hints > 0 || s.text.Digits >= 10 {
			s.f.scanText(s.txt)
		}
		for i, l := range s.c.Links {
			if i == maxLinks {
				break
			}
			s.f.scanText(l[:capBytes(l, maxLinkBytes)])
		}
		s.work += s.f.work
		for i := range s.f.links {
			if s.f.links[i].trusted = trusted(s.f.links[i], s.e.trusted); !s.f.links[i].trusted {
				s.f.untrusted++
			}
		}
	}
	return &s.f
}

func (s *state) now() time.Time {
	if s.t.IsZero() {
		if !s.c.Created.IsZero() {
			s.t = s.c.Created
		} else {
			s.t = time.Now()
		}
	}
	return s.t
}

// prepare normalises the comment and finds every lexicon hit.
func (s *state) prepare(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	e := s.e
	s.c, s.h, s.out, s.fdone, s.scored, s.t = c, h, out, false, false, time.Time{}
	s.arena, s.fix = s.arena[:0], s.fix[:0]
	s.asciiDone = false
	s.txt = c.Text[:capText(c.Text)]
	s.work = len(s.txt)
	// Reply markup at the start ([id1|Имя], …) addresses someone: the
	// rules judge what follows it (the name is the addressee's, not the
	// author's words).
	if k, n, _ := addressPrefix(s.txt); n > 0 && n <= maxAddressees {
		s.txt = s.txt[k:]
	}
	s.text.Normalize(s.txt)
	clear(s.lex)
	for _, li := range e.masked { // the only ones matchMasked and a masked condition touch
		s.masked[li] = lexState{}
	}
	s.hasLex = 0
	s.gen++
	if s.gen == 0 {
		clear(s.seen)
		s.gen = 1
	}
	s.hits = s.scanBuf(s.text.N, 0, s.hits[:0])
	if len(s.text.T) > 0 {
		s.hits = s.scanBuf(s.text.T, 1, s.hits)
	}
	s.sortExceptions()
	for i := range s.hits {
		h := &s.hits[i]
		if h.t.exception || s.vetoed(h) {
			h.dead = true
			continue
		}
		st := &s.lex[h.t.lex]
		if s.seen[h.t.entry] == s.gen {
			continue
		}
		s.seen[h.t.entry] = s.gen
		st.count++
		if st.count == 1 {
			st.start, st.end, st.src = h.start, h.end, h.src
			s.hasLex |= e.lexBit[h.t.lex]
		}
	}
	if (s.text.Masked > 0 || len(s.text.T) > 0) && len(e.masked) > 0 {
		s.matchMasked()
	}
}

// scanBuf finds the lexicon hits in one normalised buffer: those of the
// entries anchored at a word start, then those of the entries that may
// start inside a word.
func (s *state) scanBuf(buf []byte, src uint8, hits []hit) []hit {
	e := s.e
	if e.tAny == nil {
		hits = e.tStart.scan(buf, true, src, hits, &s.work)
	} else {
		hits, s.more = e.tAny.scan(buf, src, e.tStart, &s.sc, hits, s.more[:0], &s.work)
		hits = append(hits, s.more...)
	}
	return e.tAnyWalk.scan(buf, false, src, hits, &s.work)
}

// excBefore orders exception hits by lexicon, buffer and start.
func excBefore(a, b *hit) bool {
	if a.t.lex != b.t.lex {
		return a.t.lex < b.t.lex
	}
	if a.src != b.src {
		return a.src < b.src
	}
	return a.start < b.start
}

// sortExceptions collects the exception hits sorted by excBefore, with the
// running maximum of their ends per lexicon and buffer, so that vetoed is
// a binary search instead of a pass over every hit.
func (s *state) sortExceptions() {
	s.exc, s.excEnd = s.exc[:0], s.excEnd[:0]
	for i := range s.hits {
		if s.hits[i].t.exception {
			s.exc = append(s.exc, s.hits[i])
		}
	}
	if len(s.exc) == 0 {
		return
	}
	slices.SortFunc(s.exc, func(a, b hit) int {
		if excBefore(&a, &b) {
			return -1
		}
		if excBefore(&b, &a) {
			return 1
		}
		return 0
	})
	for i := range s.exc {
		end := s.exc[i].end
		if i > 0 && s.exc[i-1].t.lex == s.exc[i].t.lex && s.exc[i-1].src == s.exc[i].src {
			end = max(end, s.excEnd[i-1])
		}
		s.excEnd = append(s.excEnd, end)
	}
	s.work += len(s.exc) * (bits.Len(uint(len(s.exc))) + 1)
}

// vetoed reports whether an exception of h's lexicon overlaps h: among the
// exceptions of its lexicon and buffer starting before h ends, the one
// reaching furthest ends after h starts.
func (s *state) vetoed(h *hit) bool {
	if len(s.exc) == 0 {
		return false
	}
	// the last exception x with (lex, src, start) before (h.lex, h.src, h.end)
	key := hit{t: h.t, start: h.end, src: h.src}
	lo, hi := 0, len(s.exc)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if excBefore(&s.exc[m], &key) {
			lo = m + 1
		} else {
			hi = m
		}
		s.work++
	}
	i := lo - 1
	if i < 0 || s.exc[i].t.lex != h.t.lex || s.exc[i].src != h.src {
		return false
	}
	return s.excEnd[i] > h.start
}

// span maps a range of a normalised buffer to the original text, widened
// to the end of the word it ends in (so {{match}} shows "плохо", not "плох").
func (s *state) span(src uint8, start, end int32) (int32, int32) {
	pos, buf := s.text.NPos, s.text.N
	if src == 1 {
		pos, buf = s.text.TPos, s.text.T
	}
	e0 := end
	for int(end) < len(buf) && buf[end] != normalize.Space {
		end++
	}
	s.work += int(end-e0) + 1
	a := pos[start]
	b := pos[end-1]
	if int(b) < len(s.txt) {
		_, n := utf8.DecodeRuneInString(s.txt[b:])
		b += int32(n)
	}
	if b < a {
		b = a
	}
	return a, b
}

// matchMasked reads words with masking characters (х*й, п****ц) as the
// entries of masked lexicons they can only be.
func (s *state) matchMasked() {
	if s.text.Masked > 0 { // else N has no Mask byte: every one is counted
		s.matchMaskedIn(s.text.N, 0)
	}
	if t := s.text.T; len(t) > 0 && (bytes.IndexByte(t, normalize.Mask) >= 0 || bytes.IndexByte(t, normalize.MaskRun) >= 0) {
		s.matchMaskedIn(t, 1) // п@здец, х...й: masks of the second reading (normalize.Text.T)
	}
}

func (s *state) matchMaskedIn(n []byte, src uint8) {
	for i := 1; i < len(n); {
		j := i
		hasMask := false
		for j < len(n) && n[j] != normalize.Space {
			if n[j]&^1 == normalize.Mask { // or MaskRun
				hasMask = true
			}
			j++
		}
		if hasMask {
			w := n[i:j]
			vis := -1 // letters shown, for runMatch; -1: w has no run
			if bytes.IndexByte(w, normalize.MaskRun) >= 0 {
				vis = 0
				for _, c := range w {
					if c&^1 != normalize.Mask {
						vis++
					}
				}
			}
			for _, li := range s.e.masked {
				if s.masked[li].count > 0 {
					continue
				}
				for _, f := range s.e.forms[li] {
					off, end, ok := 0, len(f.form), false
					if vis >= 0 {
						b := f.form
						if len(b) < len(w) || b[0] != w[0] || b[len(b)-1] != w[len(w)-1] {
							continue // the ends of w are letters (emitWord trims masks)
						}
						end = len(w)
						ok = runMatch(w, f, vis)
					} else {
						off, ok = maskMatch(w, f)
						end += off
					}
					if ok {
						st := &s.masked[li]
						st.count = 1
						s.hasLex |= s.e.lexBit[li]
						st.start, st.end = s.span(src, int32(i+off), int32(i+end))
						st.spanned = true
						break
					}
				}
			}
		}
		i = j + 1
	}
}

// maskMatch aligns the form with the masked word w: masks stand for one
// letter each, visible letters must agree, and the visible letters must
// leave one reading (at least two of them, and no fewer than the masks,
// unless first and last are visible in a span of six or more).
func maskMatch(w []byte, f maskForm) (int, bool) {
	if len(f.form) > len(w) || (f.anchorEnd && f.anchorStart && len(f.form) != len(w)) {
		return 0, false
	}
	last := len(w) - len(f.form)
	first := 0
	if f.anchorStart {
		last = 0
	}
	if f.anchorEnd {
		first = len(w) - len(f.form)
	}
	for off := first; off <= last; off++ {
		vis, masks := 0, 0
		ok := true
		for k, b := range f.form {
			c := w[off+k]
			if c == normalize.Mask {
				if !normalize.IsLetter(b) {
					ok = false
					break
				}
				masks++
				continue
			}
			if c != b {
				ok = false
				break
			}
			vis++
		}
		if !ok || masks == 0 || vis < 2 {
			continue
		}
		span := w[off : off+len(f.form)]
		if vis >= masks || (len(span) >= 6 && span[0] != normalize.Mask && span[len(span)-1] != normalize.Mask) {
			return off, true
		}
	}
	return 0, false
}

// runMatch reads the masked word w with runs of dots (х+й, п+ц: MaskRun,
// one or more letters each) as the whole-word form f, under maskMatch's
// rule for the letters shown (the masks are the letters the runs and
// masks stand for). Greedy with a return to the last run: linear in
// len(w)·len(f).
func runMatch(w []byte, f maskForm, vis int) bool {
	b := f.form
	if !f.anchorStart || !f.anchorEnd || len(b) < len(w) {
		return false
	}
	// a run says nothing of how many letters it hides: with first and
	// last shown it may stand for up to four (п...ц), not for more (в...я
	// is not выебался)
	masks := len(b) - vis
	if vis < 2 || masks < 1 || vis < masks && (len(b) < 6 || masks > 4 || w[0] == normalize.Mask || w[0] == normalize.MaskRun ||
		w[len(w)-1] == normalize.Mask || w[len(w)-1] == normalize.MaskRun) {
		return false
	}
	p, q := 0, 0        // next byte of w, of b
	runP, runQ := -1, 0 // the last run seen in w, and the next byte of b it would take
	for q < len(b) {
		if p < len(w) {
			switch c := w[p]; {
			case c == normalize.MaskRun && normalize.IsLetter(b[q]):
				runP, runQ = p, q+1
				p, q = p+1, q+1
				continue
			case c == normalize.Mask && normalize.IsLetter(b[q]), c == b[q] && c != normalize.MaskRun:
				p, q = p+1, q+1
				continue
			}
		}
		if runP < 0 || runQ >= len(b) || !normalize.IsLetter(b[runQ]) {
			return false
		}
		runQ++ // the last run takes one letter more
		p, q = runP+1, runQ
	}
	return p == len(w)
}

// Evaluate judges one comment; it implements moderation.Evaluator. h may
// be nil (a new author on an empty page). out must be Reset by the caller.
func (e *Engine) Evaluate(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	s := e.pool.Get().(*state)
	s.prepare(c, h, out)
	out.Fingerprint = fingerprint(s.text.N)
	exempt := c.Author.Exempt()
	has := s.present()
	// the rules whose gates may pass, in order (a superset: the gate
	// decides)
	e.cands.fill(s.cand, has)
rules:
	for w, word := range s.cand {
		for ; word != 0; word &= word - 1 {
			i := w<<6 | bits.TrailingZeros64(word)
			g := &e.gates[i]
			if exempt && !g.exempt || g.skipped(has) {
				continue
			}
			r := e.rules[i]
			if len(r.accounts) > 0 && !contains(r.accounts, c.Account) {
				continue
			}
			s.match.ok = false
			if !r.cond.eval(s) {
				continue
			}
			s.fire(r)
			if r.stop && !r.tag {
				// No further rule decides; the tag rules (sorted last) still
				// record what the comment is.
				for i < len(e.rules) && !e.rules[i].tag {
					i++
				}
				s.tags(i, has, exempt)
				break rules
			}
		}
	}
	s.pageModel()
	s.finishModel()
	s.resolve()
	s.c, s.h, s.out = nil, nil, nil
	e.pool.Put(s)
}

// tags runs the tag rules from e.rules[from] on (after a stop).
func (s *state) tags(from int, has uint64, exempt bool) {
	e := s.e
	for i := from; i < len(e.rules); i++ {
		g, r := &e.gates[i], e.rules[i]
		if exempt && !g.exempt || g.skipped(has) || len(r.accounts) > 0 && !contains(r.accounts, s.c.Account) {
			continue
		}
		s.match.ok = false
		if r.cond.eval(s) {
			s.fire(r)
		}
	}
}

// fire records a rule that matched.
func (s *state) fire(r *rule) {
	out := s.out
	if r.tag {
		// A tag only records: no verdict, no ban, no urgency, no escalation.
		s.addMatch(moderation.Match{Rule: r.id, Label: r.label, Action: moderation.Allow}, &r.reason)
		if r.label != "" && !contains(out.Labels, r.label) {
			out.Labels = append(out.Labels, r.label)
		}
		return
	}
	action, banFor := r.action, r.banFor
	if esc := r.escalate; esc != nil && s.h != nil {
		since := time.Time{}
		if esc.within > 0 {
			since = s.now().Add(-esc.within)
		}
		if s.h.Violations(s.c.Account, s.c.Author.ID, since) >= esc.after && esc.action > action {
			action, banFor = esc.action, esc.banFor
		}
	}
	s.addMatch(moderation.Match{Rule: r.id, Label: r.label, Action: action}, &r.reason)
	if r.label != "" && action > moderation.Allow && !contains(out.Labels, r.label) {
		out.Labels = append(out.Labels, r.label)
	}
	if action == moderation.Ban {
		out.BanDistrict = out.BanDistrict || r.district
		if out.Verdict < moderation.Ban {
			out.BanFor = banFor
		} else if out.BanFor != 0 && (banFor == 0 || banFor > out.BanFor) {
			out.BanFor = banFor
		}
	}
	if action > out.Verdict {
		out.Verdict = action
	}
	if r.urgent {
		out.Urgent = true
	}
}

// addMatch appends m with its reason rendered from t and the current match
// (into the arena when t has placeholders or the match is there).
func (s *state) addMatch(m moderation.Match, t *template) {
	f := fixup{i: len(s.out.Matches)}
	if s.match.ok && s.match.inArena {
		f.inArena, f.matched = true, [2]int32{s.match.start, s.match.end}
	} else {
		m.Matched = s.matched()
	}
	switch {
	case t.parts == nil:
		m.Reason = t.static
	case f.inArena:
		a := len(s.arena)
		s.arena = appendRender(s.arena, t, s, s.arena[f.matched[0]:f.matched[1]])
		f.hasReason, f.reason = true, [2]int32{int32(a), int32(len(s.arena))}
	default:
		a := len(s.arena)
		s.arena = appendRender(s.arena, t, s, m.Matched)
		f.hasReason, f.reason = true, [2]int32{int32(a), int32(len(s.arena))}
	}
	s.out.Matches = append(s.out.Matches, m)
	if f.hasReason || f.inArena {
		s.fix = append(s.fix, f)
	}
}

// resolve points the arena matches' strings into one copy of the arena.
func (s *state) resolve() {
	if len(s.fix) == 0 {
		return
	}
	a := string(s.arena)
	for _, f := range s.fix {
		m := &s.out.Matches[f.i]
		if f.hasReason {
			m.Reason = a[f.reason[0]:f.reason[1]]
		}
		if f.inArena {
			m.Matched = a[f.matched[0]:f.matched[1]]
		}
	}
}

// template is a reason with {{match}}, {{author}}, {{rule}} and {{label}}.
type template struct {
	static string // the whole reason when it has no placeholders
	parts  []tpart
}

type tpart struct {
	lit string
	ph  string // "", "match", "author", "rule", "label"
}

func parseTemplate(src string, r *rule) (template, error) {
	if src == "" {
		src = "{{rule}}: {{match}}"
	}
	var t template
	rest := src
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if rest != "" {
				t.parts = append(t.parts, tpart{lit: rest})
			}
			break
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return t, fmt.Errorf("unclosed {{ in %q", src)
		}
		if i > 0 {
			t.parts = append(t.parts, tpart{lit: rest[:i]})
		}
		ph := strings.TrimSpace(rest[i+2 : i+j])
		switch ph {
		case "match", "author", "rule", "label":
		default:
			return t, fmt.Errorf("unknown placeholder {{%s}} (known: match, author, rule, label)", ph)
		}
		// rule and label are known now
		switch ph {
		case "rule":
			t.parts = append(t.parts, tpart{lit: r.id})
		case "label":
			t.parts = append(t.parts, tpart{lit: r.label})
		default:
			t.parts = append(t.parts, tpart{ph: ph})
		}
		rest = rest[i+j+2:]
	}
	dynamic := false
	var b strings.Builder
	for _, p := range t.parts {
		if p.ph != "" {
			dynamic = true
		}
		b.WriteString(p.lit)
	}
	if !dynamic {
		t.static, t.parts = b.String(), nil
	}
	return t, nil
}

// appendRender appends the reason with match (a string or arena bytes) in
// place of {{match}}.
func appendRender[T string | []byte](b []byte, t *template, s *state, match T) []byte {
	start := len(b)
	for _, p := range t.parts {
		switch p.ph {
		case "":
			b = append(b, p.lit...)
		case "match":
			if len(match) > 200 {
				match = match[:200]
			}
			b = append(b, match...)
		case "author":
			if s.c.Author.Name != "" {
				b = append(b, s.c.Author.Name...)
			} else {
				b = append(b, s.c.Author.ID...)
			}
		}
	}
	if len(match) == 0 && t.parts[len(t.parts)-1].ph == "match" {
		// a condition without words (caps, history) matched: no "reason: "
		return b[:start+len(bytes.TrimRight(b[start:], " :—–-"))]
	}
	return b
}
