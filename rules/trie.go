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

// grow makes room for n more forms.
func (tb *trieBuilder) grow(n int) {
	tb.forms = slices.Grow(tb.forms, n)
	tb.terms = slices.Grow(tb.terms, n)
}

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
	order := sortForms(tb.forms)
	tr.nodes = make([]tnode, 1, 64) // the root is node 0, frozen last
	path := make([]bnode, maxLen+1)
	var reg nodeSet
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
		slot := reg.find(h, func(id int32) bool { return tr.same(id, nd) })
		if id := reg.slots[slot]; id != 0 {
			return id
		}
		id := int32(len(tr.nodes))
		tr.nodes = append(tr.nodes, tr.node(nd))
		reg.add(slot, id, h)
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

// nodeSet finds frozen nodes by their hash: open addressing over node ids
// (0, the root, is never in it: it marks an empty slot).
type nodeSet struct {
	slots []int32
	hash  []uint64 // by node id
	n     int
}

// find returns the slot of the node with hash h for which same holds, or
// the empty slot where it belongs.
func (ns *nodeSet) find(h uint64, same func(int32) bool) int {
	if 2*(ns.n+1) > len(ns.slots) {
		ns.rehash()
	}
	mask := len(ns.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		id := ns.slots[i]
		if id == 0 || ns.hash[id] == h && same(id) {
			return i
		}
	}
}

// add puts node id with hash h into the empty slot found for it.
func (ns *nodeSet) add(slot int, id int32, h uint64) {
	for len(ns.hash) <= int(id) {
		ns.hash = append(ns.hash, 0)
	}
	ns.hash[id] = h
	ns.slots[slot] = id
	ns.n++
}

func (ns *nodeSet) rehash() {
	old := ns.slots
	ns.slots = make([]int32, max(1024, 2*len(old)))
	mask := len(ns.slots) - 1
	for _, id := range old {
		if id == 0 {
			continue
		}
		i := int(ns.hash[id]) & mask
		for ns.slots[i] != 0 {
			i = (i + 1) & mask
		}
		ns.slots[i] = id
	}
}

// sortForms returns the indexes of forms in byte order of the forms,
// equal forms by index: a most-significant-byte-first radix sort, stable.
func sortForms(forms [][]byte) []int32 {
	order := make([]int32, len(forms))
	for i := range order {
		order[i] = int32(i)
	}
	tmp := make([]int32, len(forms))
	radixSort(order, tmp, forms, 0)
	return order
}

// radixSort sorts idx, whose forms agree on their first d bytes, by the
// rest; tmp is scratch of the same length.
func radixSort(idx, tmp []int32, forms [][]byte, d int) {
	if len(idx) < 32 {
		for i := 1; i < len(idx); i++ {
			for k := i; k > 0 && formLess(forms, idx[k], idx[k-1], d); k-- {
				idx[k], idx[k-1] = idx[k-1], idx[k]
			}
		}
		return
	}
	// bucket 0: forms that end at d; bucket b+1: byte b at d. Only the
	// buckets in use are visited (a handful of the 257).
	var count [258]int32
	var used [5]uint64
	for _, x := range idx {
		c := formByte(forms[x], d)
		count[c]++
		used[c>>6] |= 1 << (c & 63)
	}
	var pos [258]int32
	at := int32(0)
	for w, u := range used {
		for ; u != 0; u &= u - 1 {
			c := w<<6 | bits.TrailingZeros64(u)
			pos[c] = at
			at += count[c]
		}
	}
	for _, x := range idx {
		c := formByte(forms[x], d)
		tmp[pos[c]] = x
		pos[c]++
	}
	copy(idx, tmp[:len(idx)])
	for w, u := range used {
		for ; u != 0; u &= u - 1 {
			c := w<<6 | bits.TrailingZeros64(u)
			if c == 0 || count[c] < 2 {
				continue // bucket 0 is in index order already
			}
			hi := pos[c]
			lo := hi - count[c]
			radixSort(idx[lo:hi], tmp[lo:hi], forms, d+1)
		}
	}
}

// formByte is 0 past the end of f, the byte at d plus one otherwise.
func formByte(f []byte, d int) int {
	if d >= len(f) {
		return 0
	}
	return int(f[d]) + 1
}

// formLess orders forms a and b, equal on their first d bytes, by the rest
// and then by index.
func formLess(forms [][]byte, a, b int32, d int) bool {
	if c := bytes.Compare(forms[a][d:], forms[b][d:]); c != 0 {
		return c < 0
	}
	return a < b
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

// walkStarts walks tr from each of the starts (positions in buf where
// the root has an edge), as walk does: one loop for all of them, so the
// common case, a walk of a few bytes that finds nothing, costs no call.
func (tr *trie) walkStarts(buf []byte, starts []int32, src uint8, hits []hit, work *int) []hit {
	stepped := 0
	for _, s := range starts {
		start := int(s)
		n := tr.root[buf[start]]
		j := start + 1
		for {
			nd := &tr.nodes[n]
			if nd.nterm|nd.star != 0 {
				hits = tr.visit(nd, buf, start, j, src, hits, work)
			}
			if j >= len(buf) {
				break
			}
			bit := uint64(1) << (tr.class[buf[j]] & 63)
			if nd.mask&bit == 0 {
				break
			}
			n = tr.kids[nd.kid+int32(bits.OnesCount64(nd.mask&(bit-1)))]
			j++
		}
		stepped += j - start
	}
	*work += stepped
	return hits
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
