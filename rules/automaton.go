package rules

import (
	"sort"

	"github.com/strazh/strazh/rules/normalize"
)

// automaton is an Aho–Corasick automaton, compiled to a full transition
// table, over the literal entries that may start inside a word (*бляд*,
// *хуе*): one table step per byte of the comment finds every occurrence
// of all of them at once.
type automaton struct {
	class  [256]uint8 // byte → column (0: a byte no entry has)
	ncls   int32
	next   []int32 // [state*ncls+class]: the next state times ncls, complemented (^) when it ends an entry
	outIdx []int32 // per state: outs[outIdx[s]:outIdx[s+1]]
	outs   []aout
}

// aout is an entry that ends in a state: its term and its length.
type aout struct {
	t *term
	n int32
}

// maxAutomatonStates bounds the table (states × columns × 4 bytes); larger
// word-part lexicons are walked as a trie instead.
const maxAutomatonStates = 1 << 14

// mapTrie is the plain trie of a builder's forms, nodes numbered in
// creation order (the root is 0), for the automaton.
type mapTrie struct {
	kids  []map[byte]int32
	terms [][]term
}

func newMapTrie(b *trieBuilder) *mapTrie {
	tb := &mapTrie{kids: []map[byte]int32{{}}, terms: [][]term{nil}}
	for i, form := range b.forms {
		n := int32(0)
		for _, c := range form {
			k, ok := tb.kids[n][c]
			if !ok {
				k = int32(len(tb.kids))
				tb.kids = append(tb.kids, map[byte]int32{})
				tb.terms = append(tb.terms, nil)
				tb.kids[n][c] = k
			}
			n = k
		}
		tb.terms[n] = append(tb.terms[n], b.terms[i])
	}
	return tb
}

// newAutomaton compiles the forms of b (which must have no Star), or
// returns nil when they are too many or none.
func newAutomaton(b *trieBuilder) *automaton {
	tb := newMapTrie(b)
	if len(tb.kids) <= 1 || len(tb.kids) > maxAutomatonStates {
		return nil
	}
	a := &automaton{}
	for _, m := range tb.kids {
		for b := range m {
			if a.class[b] == 0 {
				a.ncls++
				a.class[b] = uint8(a.ncls)
			}
		}
	}
	a.ncls++ // column 0
	ns := len(tb.kids)
	depth := make([]int32, ns)
	fail := make([]int32, ns)
	goto_ := make([]int32, ns*int(a.ncls)) // complete transitions, plain state ids
	terms := make([]term, 0)
	own := make([][]int32, ns) // indexes into terms
	for s := range tb.kids {
		for _, t := range tb.terms[s] {
			own[s] = append(own[s], int32(len(terms)))
			terms = append(terms, t)
		}
	}
	// breadth-first: fail links and complete transitions
	order := []int32{0}
	for qi := 0; qi < len(order); qi++ {
		s := order[qi]
		bs := make([]int, 0, len(tb.kids[s]))
		for b := range tb.kids[s] {
			bs = append(bs, int(b))
		}
		sort.Ints(bs)
		row := goto_[int(s)*int(a.ncls):]
		if s != 0 {
			copy(row[:a.ncls], goto_[int(fail[s])*int(a.ncls):])
		}
		for _, b := range bs {
			c := tb.kids[s][byte(b)]
			if s == 0 {
				fail[c] = 0
			} else {
				fail[c] = goto_[int(fail[s])*int(a.ncls)+int(a.class[b])]
			}
			depth[c] = depth[s] + 1
			row[a.class[b]] = c
			order = append(order, c)
		}
	}
	// outputs: the state's own terms, then those of its fail chain
	termStore := make([]term, len(terms))
	copy(termStore, terms)
	a.outIdx = make([]int32, ns+1)
	for s := 0; s < ns; s++ {
		a.outIdx[s] = int32(len(a.outs))
		for f := int32(s); ; f = fail[f] {
			for _, ti := range own[f] {
				a.outs = append(a.outs, aout{t: &termStore[ti], n: depth[f]})
			}
			if f == 0 {
				break
			}
		}
	}
	a.outIdx[ns] = int32(len(a.outs))
	a.next = make([]int32, len(goto_))
	for i, c := range goto_ {
		v := c * a.ncls
		if a.outIdx[c] != a.outIdx[c+1] {
			v = ^v
		}
		a.next[i] = v
	}
	return a
}

// scratch is the per-comment memory of scan.
type scratch struct {
	// events is run's output: the word starts from the front, the ends of
	// entries (state*ncls<<32 | end) from the back
	events []int64
	pend   []pending
}

// scan runs the automaton over buf and, at every word start, walks the
// anchored trie ts: one pass finds every hit. The anchored hits are
// appended to hits, the automaton's to more, ordered by their start (then
// end) as walking a trie from every position would order them.
//
// The pass over the bytes makes no calls (a call in the loop would keep
// every variable on the stack); it notes word starts and entry ends, and
// the walks and hits follow.
func (a *automaton) scan(buf []byte, src uint8, ts *trie, sc *scratch, hits, more []hit, work *int) ([]hit, []hit) {
	if cap(sc.pend) < len(buf)+1 {
		sc.events = make([]int64, 2*(len(buf)+len(buf)/2))
		sc.pend = make([]pending, len(buf)+len(buf)/2+1)
	}
	ev := sc.events[:2*len(buf)]
	ns, ne := a.run(buf, ev)
	first := len(more)
	for k := len(ev) - 1; k >= len(ev)-ne; k-- {
		e := ev[k]
		more = a.emit(buf, int32(e>>32)/a.ncls, int(int32(e)), src, more)
	}
	hits = ts.walkStarts(buf, ev[:ns], src, sc.pend, hits, work)
	// insertion sort by start: a hit is out of order only against hits
	// ending within one entry's length, so this stays linear
	h := more[first:]
	moves := 0
	for i := 1; i < len(h); i++ {
		for k := i; k > 0 && h[k].start < h[k-1].start; k-- {
			h[k], h[k-1] = h[k-1], h[k]
			moves++
		}
	}
	*work += len(buf) + ne + moves
	return hits, more
}

// run is the pass over the bytes: it notes in events the word starts
// (after a space) from the front and the states that end entries (state
// times ncls <<32 | the end) from the back, and returns how many of each
// (at most one of each per byte: 2·len(buf) events are enough). It calls
// nothing, so its variables stay in registers.
func (a *automaton) run(buf []byte, events []int64) (ns, ne int) {
	st := 0 // an int, so the table's index needs no sign extension
	next, cls := a.next, &a.class
	top := len(events) - 1
	for j := 1; j < len(buf); j++ {
		b := buf[j]
		if buf[j-1] == normalize.Space {
			events[ns] = int64(j)
			ns++
		}
		st = int(next[st+int(cls[b])])
		if st < 0 {
			st = ^st
			events[top-ne] = int64(st)<<32 | int64(j+1)
			ne++
		}
	}
	return ns, ne
}

func (a *automaton) emit(buf []byte, s int32, end int, src uint8, hits []hit) []hit {
	for _, o := range a.outs[a.outIdx[s]:a.outIdx[s+1]] {
		if o.t.anchorEnd && (end >= len(buf) || buf[end] != normalize.Space) {
			continue
		}
		hits = append(hits, hit{t: o.t, start: int32(end) - o.n, end: int32(end), src: src})
	}
	return hits
}
