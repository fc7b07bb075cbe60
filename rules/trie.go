package rules

import (
	"bytes"
	"math/bits"
	"slices"

	"github.com/strazh/strazh/rules/normalize"
)

// term is one literal form of a lexicon entry at the end of a trie path.
type term struct {
	lex       int32 // lexicon index
	entry     int32 // entry index within the engine (for distinct counts)
	anchorEnd bool
	exception bool
}

// trie is a byte trie over the entries anchored at a word start, frozen
// into flat arrays and minimised into a DAG: subtrees that are the same
// (the word lists behind the alternatives of an expanded phrase) are
// stored once, so the whole lexicon set stays small enough for the cache.
// The root is a dense table; inner nodes find a child by a bit mask of
// byte classes and a population count.
type trie struct {
	root  [256]int32
	class [256]uint8 // byte → edge class (noEdge: no edge anywhere)
	nodes []tnode
	kids  []int32 // children of the nodes, in class order
	terms []term
}

// noEdge is the class of the bytes no entry has; no node has its bit.
const noEdge = 63

type tnode struct {
	mask  uint64 // classes of the bytes that have an edge
	kid   int32  // kids[kid:kid+popcount(mask)]
	star  int32  // child after a Star (any letters to the word's end), 0: none
	term  int32  // terms[term:term+nterm]
	nterm int32
}

// trieBuilder collects the forms of a trie in the order they were added.
type trieBuilder struct {
	forms [][]byte
	terms []term
}

func newTrieBuilder() *trieBuilder { return &trieBuilder{} }

func (tb *trieBuilder) add(form []byte, t term) {
	tb.forms = append(tb.forms, form)
	tb.terms = append(tb.terms, t)
}

// bedge is an edge of a node being built.
type bedge struct {
	b  byte
	to int32
}

// bnode is a node on the path of the last form added while building: its
// edges to finished children (in byte order) and its terms.
type bnode struct {
	edges []bedge
	terms []term
}

// build freezes the forms into a trie minimised into a DAG. The forms are
// taken in byte order (identical forms keep the order they were added in,
// so a node's terms are in that order), which finishes every subtree before
// the next form leaves it: a finished node is looked up among the finished
// ones with the same terms and the same children and shared with it (the
// minimal acyclic automaton of the forms, built without the full trie).
func (tb *trieBuilder) build() *trie {
	tr := &trie{}
	for i := range tr.class {
		tr.class[i] = noEdge
	}
	var used [256]bool
	maxLen := 0
	for _, f := range tb.forms {
		for _, b := range f {
			used[b] = true
		}
		maxLen = max(maxLen, len(f))
	}
	n := uint8(0)
	for b := range used {
		if used[b] && byte(b) != Star {
			if n == noEdge {
				panic("rules: more than 63 distinct bytes in lexicons") // unreachable: the alphabet has 62
			}
			tr.class[b] = n
			n++
		}
	}
	// the forms in byte order, identical ones in the order they were added
	order := make([]int32, len(tb.forms))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := bytes.Compare(tb.forms[a], tb.forms[b]); c != 0 {
			return c
		}
		return int(a - b)
	})
	tr.nodes = make([]tnode, 1, 64) // the root is node 0, frozen last
	path := make([]bnode, maxLen+1)
	reg := make(map[uint64]int32) // hash of a frozen node → the last node with it
	var chain []int32             // per node: the previous node with the same hash (0: none)
	// freeze finishes nd: an equal finished node, or a new one
	freeze := func(nd *bnode) int32 {
		h := uint64(len(nd.terms))
		for _, t := range nd.terms {
			h = mix64(h, uint64(uint32(t.lex))<<32|uint64(uint32(t.entry)))
			h = mix64(h, uint64(b2b(t.anchorEnd))<<1|uint64(b2b(t.exception)))
		}
		for _, e := range nd.edges {
			h = mix64(h, uint64(e.b)<<32|uint64(uint32(e.to)))
		}
		first, ok := reg[h]
		for id := first; ok && id != 0; id = chain[id] {
			if tr.same(id, nd) {
				return id
			}
		}
		id := int32(len(tr.nodes))
		tr.nodes = append(tr.nodes, tr.node(nd))
		for len(chain) <= int(id) {
			chain = append(chain, 0)
		}
		chain[id] = first // 0 when the hash is new
		reg[h] = id
		return id
	}
	var prev []byte
	for oi, fi := range order {
		w := tb.forms[fi]
		p := 0
		for p < len(w) && p < len(prev) && w[p] == prev[p] {
			p++
		}
		if oi > 0 && p == len(w) && p == len(prev) {
			path[p].terms = append(path[p].terms, tb.terms[fi])
			continue
		}
		for d := len(prev); d > p; d-- {
			id := freeze(&path[d])
			path[d-1].edges = append(path[d-1].edges, bedge{b: prev[d-1], to: id})
		}
		for d := p + 1; d <= len(w); d++ {
			path[d].edges, path[d].terms = path[d].edges[:0], path[d].terms[:0]
		}
		path[len(w)].terms = append(path[len(w)].terms, tb.terms[fi])
		prev = w
	}
	for d := len(prev); d > 0; d-- {
		id := freeze(&path[d])
		path[d-1].edges = append(path[d-1].edges, bedge{b: prev[d-1], to: id})
	}
	tr.nodes[0] = tr.node(&path[0])
	for _, e := range path[0].edges {
		if e.b != Star {
			tr.root[e.b] = e.to
		}
	}
	return tr
}

// node appends nd's children and terms to tr and returns its frozen form.
func (tr *trie) node(nd *bnode) tnode {
	t := tnode{kid: int32(len(tr.kids)), term: int32(len(tr.terms)), nterm: int32(len(nd.terms))}
	for _, e := range nd.edges { // in byte order, which is class order
		if e.b == Star {
			t.star = e.to
			continue
		}
		t.mask |= 1 << tr.class[e.b]
		tr.kids = append(tr.kids, e.to)
	}
	tr.terms = append(tr.terms, nd.terms...)
	return t
}

// same reports whether the frozen node id has nd's terms and edges.
func (tr *trie) same(id int32, nd *bnode) bool {
	t := &tr.nodes[id]
	if int(t.nterm) != len(nd.terms) || !slices.Equal(tr.terms[t.term:t.term+t.nterm], nd.terms) {
		return false
	}
	var mask uint64
	star, k := int32(0), t.kid
	for _, e := range nd.edges {
		if e.b == Star {
			star = e.to
			continue
		}
		mask |= 1 << tr.class[e.b]
		if int(k) >= len(tr.kids) || tr.kids[k] != e.to {
			return false
		}
		k++
	}
	return mask == t.mask && star == t.star
}

// mix64 folds v into the hash h.
func mix64(h, v uint64) uint64 {
	h ^= v
	h *= 0x9E3779B97F4A7C15
	return h ^ h>>29
}

func b2b(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// hit is one lexicon term found in a normalised buffer.
type hit struct {
	t          *term
	start, end int32 // in the buffer
	src        uint8 // 0: N, 1: T
	dead       bool  // an exception, or dropped by one (set by prepare)
}

// scan walks tr over buf from every position (anchored: only from word
// starts) and appends hits. It adds the bytes it stepped over to *work.
func (tr *trie) scan(buf []byte, anchored bool, src uint8, hits []hit, work *int) []hit {
	if tr == nil || len(tr.nodes) <= 1 {
		return hits
	}
	for i := 1; i < len(buf)-1; i++ {
		b := buf[i]
		if b == normalize.Space || (anchored && buf[i-1] != normalize.Space) {
			continue
		}
		if n := tr.root[b]; n != 0 {
			hits = tr.walk(buf, i, n, i+1, src, hits, work)
		}
	}
	*work += len(buf)
	return hits
}

// walk follows the trie from node n, which has consumed buf[start:j]. A
// walk is no longer than the longest entry (a Star spans at most maxStar
// bytes), so walking from every position stays linear in len(buf).
func (tr *trie) walk(buf []byte, start int, n int32, j int, src uint8, hits []hit, work *int) []hit {
	j0 := j
	for {
		nd := &tr.nodes[n]
		if nd.nterm|nd.star != 0 {
			hits = tr.visit(nd, buf, start, j, src, hits, work)
		}
		if j >= len(buf) {
			*work += j - j0 + 1
			return hits
		}
		bit := uint64(1) << (tr.class[buf[j]] & 63)
		if nd.mask&bit == 0 {
			*work += j - j0 + 1
			return hits
		}
		n = tr.kids[nd.kid+int32(bits.OnesCount64(nd.mask&(bit-1)))]
		j++
	}
}

// maxStar is the most letters a Star stands for. Real words are shorter;
// without a bound, an entry with a Star inside that may start anywhere
// (`*ху*й`) would walk a long word from each of its positions.
const maxStar = 48

// visit records the terms of nd and follows its Star edge.
func (tr *trie) visit(nd *tnode, buf []byte, start, j int, src uint8, hits []hit, work *int) []hit {
	for k := nd.term; k < nd.term+nd.nterm; k++ {
		t := &tr.terms[k]
		if t.anchorEnd && (j >= len(buf) || buf[j] != normalize.Space) {
			continue
		}
		hits = append(hits, hit{t: t, start: int32(start), end: int32(j), src: src})
	}
	if nd.star != 0 {
		for k := j; k < len(buf) && k <= j+maxStar; k++ {
			hits = tr.walk(buf, start, nd.star, k, src, hits, work)
			if buf[k] == normalize.Space {
				break
			}
		}
	}
	return hits
}
