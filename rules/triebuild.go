package rules

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
)

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

// bnode is a node on the path of the last form added while building: its
// edges to finished children (added in byte order) as a frozen node has
// them, its terms, and the hash of both so far.
type bnode struct {
	mask  uint64  // classes of the bytes that have an edge
	kids  []int32 // by class
	star  int32   // child after a Star, 0: none
	terms []term
	h     uint64
}

// addTerm adds a term to nd (before any edge: a form sorts before the
// forms it is a prefix of).
func (nd *bnode) addTerm(t term) {
	nd.terms = append(nd.terms, t)
	nd.h = mix64(nd.h, uint64(uint32(t.lex))<<32|uint64(uint32(t.entry)))
	nd.h = mix64(nd.h, uint64(b2b(t.anchorEnd))<<1|uint64(b2b(t.exception)))
}

// addEdge adds nd's edge on byte b to the frozen node to.
func (nd *bnode) addEdge(b byte, to int32, class *[256]uint8) {
	if b == Star {
		nd.star = to
	} else {
		nd.mask |= 1 << class[b]
		nd.kids = append(nd.kids, to)
	}
	nd.h = mix64(nd.h, uint64(b)<<32|uint64(uint32(to)))
}

// reset empties nd for reuse.
func (nd *bnode) reset() {
	nd.mask, nd.kids, nd.star, nd.terms, nd.h = 0, nd.kids[:0], 0, nd.terms[:0], 0
}

// build freezes the forms into a trie minimised into a DAG. The forms are
// taken in byte order (identical forms keep the order they were added in,
// so a node's terms are in that order), which finishes every subtree before
// the next form leaves it: a finished node is looked up among the finished
// ones with the same terms and the same children and shared with it (the
// minimal acyclic automaton of the forms, built without the full trie).
func (tb *trieBuilder) build() *trie {
	tr := &dag{}
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
	tr.nodes = make([]fnode, 1, 64) // the root is node 0, frozen last
	path := make([]bnode, maxLen+1)
	reg := nodeSet{slots: make([]int32, 1024), hash: make([]uint64, 1, 64)}
	var prev []byte
	for oi, fi := range order {
		w := tb.forms[fi]
		p := commonLen(w, prev)
		if oi > 0 && p == len(w) && p == len(prev) {
			path[p].addTerm(tb.terms[fi])
			continue
		}
		for d := len(prev); d > p; d-- {
			path[d-1].addEdge(prev[d-1], reg.intern(tr, &path[d]), &tr.class)
		}
		for d := p + 1; d <= len(w); d++ {
			path[d].reset()
		}
		path[len(w)].addTerm(tb.terms[fi])
		prev = w
	}
	for d := len(prev); d > 0; d-- {
		path[d-1].addEdge(prev[d-1], reg.intern(tr, &path[d]), &tr.class)
	}
	tr.nodes[0] = tr.node(&path[0])
	return tr.layout()
}

// dag is the minimised trie as it is frozen, children before parents.
type dag struct {
	class [256]uint8
	nodes []fnode
	kids  []int32
	terms []term
}

// fnode is a frozen node of a dag.
type fnode struct {
	mask  uint64 // classes of the bytes that have an edge
	kid   int32  // kids[kid:kid+popcount(mask)]
	star  int32  // child after a Star, 0: none
	term  int32  // terms[term:term+nterm]
	nterm int32
}

// layout numbers the nodes of the dag breadth first from the root and
// writes them in the trie's compact form: each node's children as records
// at its base plus their class (blocks interleave where they leave slots
// free, as in a double-array trie), so a step of a walk reads the child's
// record right where its parent points, with no index to load and no bits
// to count.
func (d *dag) layout() *trie {
	tr := &trie{class: d.class, terms: d.terms, infos: make([]tinfo, 1)}
	id := make([]int32, len(d.nodes)) // old → new, -1: not reached yet
	for i := range id {
		id[i] = -1
	}
	id[0] = 0
	order := []int32{0}
	reach := func(c int32) {
		if id[c] < 0 {
			id[c] = int32(len(order))
			order = append(order, c)
		}
	}
	for qi := 0; qi < len(order); qi++ {
		nd := &d.nodes[order[qi]]
		for _, c := range d.kids[nd.kid : nd.kid+int32(bits.OnesCount64(nd.mask))] {
			reach(c)
		}
		if nd.star != 0 {
			reach(nd.star)
		}
	}
	// where each node's children are (record 0 is no node), and its info
	base := make([]int32, len(order))
	info := make([]int32, len(order))
	var sp slotPlacer
	sp.take(0)
	for ni, old := range order {
		nd := &d.nodes[old]
		if nd.mask != 0 {
			base[ni] = sp.place(nd.mask)
		}
		if nd.nterm != 0 || nd.star != 0 {
			info[ni] = int32(len(tr.infos))
			tr.infos = append(tr.infos, tinfo{term: nd.term, nterm: nd.nterm})
		}
	}
	rec := func(ni int32) tnode {
		return tnode{mask: d.nodes[order[ni]].mask, kid: base[ni], info: info[ni]}
	}
	next := int32(sp.end)
	tr.nodes = make([]tnode, next, next+int32(len(tr.infos)))
	for ni, old := range order {
		nd := &d.nodes[old]
		k := 0
		for m := nd.mask; m != 0; m &= m - 1 {
			c := d.kids[int(nd.kid)+k]
			tr.nodes[base[ni]+int32(bits.TrailingZeros64(m))] = rec(id[c])
			k++
		}
		if nd.star != 0 { // the Star's target gets a record of its own
			tr.infos[info[ni]].star = int32(len(tr.nodes))
			tr.nodes = append(tr.nodes, rec(id[nd.star]))
		}
	}
	for b := range tr.class {
		c := tr.class[b]
		if c == noEdge || d.nodes[0].mask&(1<<c) == 0 {
			continue
		}
		tr.root[b] = base[0] + int32(c)
	}
	return tr
}

// slotPlacer finds the bases of blocks of children in the records of a
// trie: for each block, the first base at which the slots of all its
// classes are free, looked for among the next maxPlaceTries slots that may
// be free and else at the end (so the build stays linear).
type slotPlacer struct {
	used  []uint64 // a bit per slot
	first int      // no slot before it is free
	end   int      // one past the last slot taken
}

const maxPlaceTries = 256

// window is the bits of the 64 slots from i on.
func (p *slotPlacer) window(i int) uint64 {
	w, o := i>>6, uint(i&63)
	var x uint64
	if w < len(p.used) {
		x = p.used[w] >> o
	}
	if o != 0 && w+1 < len(p.used) {
		x |= p.used[w+1] << (64 - o)
	}
	return x
}

func (p *slotPlacer) take(i int) {
	for i>>6 >= len(p.used) {
		p.used = append(p.used, 0)
	}
	p.used[i>>6] |= 1 << (i & 63)
	p.end = max(p.end, i+1)
}

// place takes the slots of a block with the classes of mask (not 0) and
// returns its base: the slot of class c is base+c.
func (p *slotPlacer) place(mask uint64) int32 {
	c0 := bits.TrailingZeros64(mask)
	m := mask >> c0
	s := p.first
	for tries := 0; p.window(s)&m != 0; tries++ {
		if tries == maxPlaceTries {
			s = max(s, p.end) // all free from there on
			break
		}
		s++
	}
	b := s - c0
	for x := mask; x != 0; x &= x - 1 {
		p.take(b + bits.TrailingZeros64(x))
	}
	for p.window(p.first)&1 != 0 {
		p.first++
	}
	return int32(b)
}

// node appends nd's children and terms to d and returns its frozen form.
func (tr *dag) node(nd *bnode) fnode {
	t := fnode{mask: nd.mask, kid: int32(len(tr.kids)), star: nd.star, term: int32(len(tr.terms)), nterm: int32(len(nd.terms))}
	tr.kids = append(tr.kids, nd.kids...) // in byte order, which is class order
	tr.terms = append(tr.terms, nd.terms...)
	return t
}

// nodeSet finds frozen nodes by their key: open addressing over node ids
// (0, the root, is never in it: it marks an empty slot).
type nodeSet struct {
	slots []int32
	hash  []uint64 // each node's key, by node id
	n     int
}

// simpleNode marks the key that is a node itself (see nodeKey).
const simpleNode = 1 << 63

// nodeKey is nd itself as a number when nd has one kid and nothing else,
// or one term and nothing else (most nodes): equal keys are equal nodes,
// compared without looking at the nodes. Any other node's key is its hash
// without the top bit, and an equal key is checked by same.
func nodeKey(nd *bnode) (uint64, bool) {
	switch {
	case len(nd.kids) == 1 && nd.star == 0 && len(nd.terms) == 0:
		return simpleNode | uint64(bits.TrailingZeros64(nd.mask))<<32 | uint64(uint32(nd.kids[0])), true
	case len(nd.kids) == 0 && nd.star == 0 && len(nd.terms) == 1 && uint32(nd.terms[0].lex) < 1<<28:
		t := nd.terms[0]
		return simpleNode | 1<<62 | uint64(b2b(t.anchorEnd))<<61 | uint64(b2b(t.exception))<<60 |
			uint64(t.lex)<<32 | uint64(uint32(t.entry)), true
	}
	return nd.h &^ simpleNode, false
}

// intern returns the frozen node of d that is the same as nd, freezing nd
// as a new node when there is none.
func (ns *nodeSet) intern(d *dag, nd *bnode) int32 {
	key, exact := nodeKey(nd)
	mask := len(ns.slots) - 1
	i := int(mix64(0, key)) & mask
	for {
		id := ns.slots[i]
		if id == 0 {
			break
		}
		if ns.hash[id] == key && (exact || d.same(id, nd)) {
			return id
		}
		i = (i + 1) & mask
	}
	id := int32(len(d.nodes))
	d.nodes = append(d.nodes, d.node(nd))
	ns.hash = append(ns.hash, key) // by node id: nodes are added in id order
	ns.slots[i] = id
	if ns.n++; 2*ns.n > len(ns.slots) {
		ns.rehash()
	}
	return id
}

func (ns *nodeSet) rehash() {
	old := ns.slots
	ns.slots = make([]int32, 2*len(old))
	mask := len(ns.slots) - 1
	for _, id := range old {
		if id == 0 {
			continue
		}
		i := int(mix64(0, ns.hash[id])) & mask
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
	radixSort(order, tmp, make([]uint16, len(forms)), forms, 0)
	return order
}

// radixSort sorts idx, whose forms agree on their first d bytes, by the
// rest; tmp and cb are scratch of the same length.
func radixSort(idx, tmp []int32, cb []uint16, forms [][]byte, d int) {
	if len(idx) < 32 {
		insertionSort(idx, forms, d)
		return
	}
	// bucket 0: forms that end at d; bucket b+1: byte b at d. Only the
	// buckets in use are visited (a handful of the 257).
	var count [258]int32
	var used [5]uint64
	cb = cb[:len(idx)]
	for {
		for i, x := range idx {
			c := formByte(forms[x], d)
			cb[i] = uint16(c)
			count[c]++
			used[c>>6] |= 1 << (c & 63)
		}
		if c := cb[0]; c == 0 || count[c] != int32(len(idx)) {
			break
		}
		// one byte for all: the next
		count[cb[0]], used = 0, [5]uint64{}
		d++
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
	for i, x := range idx {
		c := cb[i]
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
			radixSort(idx[lo:hi], tmp[lo:hi], cb[lo:hi], forms, d+1)
		}
	}
}

// sortKey is a form in a small group being sorted: its eight bytes from
// the group's depth, big-endian with zeros past its end, and how many of
// them it has (9: more follow).
type sortKey struct {
	key uint64
	n   int32
	idx int32
}

// insertionSort sorts a small group as radixSort does, comparing the
// forms' next eight bytes as one number first.
func insertionSort(idx []int32, forms [][]byte, d int) {
	var ks [32]sortKey
	for i, x := range idx {
		ks[i] = keyAt(forms[x], d, x)
	}
	for i := 1; i < len(idx); i++ {
		for k := i; k > 0 && keyLess(&ks[k], &ks[k-1], forms, d); k-- {
			ks[k], ks[k-1] = ks[k-1], ks[k]
		}
	}
	for i := range idx {
		idx[i] = ks[i].idx
	}
}

// keyAt is form x (f) at d.
func keyAt(f []byte, d int, x int32) sortKey {
	r := f[d:]
	if len(r) >= 8 {
		n := int32(8)
		if len(r) > 8 {
			n = 9
		}
		return sortKey{key: binary.BigEndian.Uint64(r), n: n, idx: x}
	}
	var k uint64
	for i, c := range r {
		k |= uint64(c) << (56 - 8*i)
	}
	return sortKey{key: k, n: int32(len(r)), idx: x}
}

// keyLess orders by the eight bytes, then by how many there are (a form
// that ends first is a prefix of the other), then by the rest, then by
// index: byte order, equal forms by index.
func keyLess(a, b *sortKey, forms [][]byte, d int) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	if a.n != b.n {
		return a.n < b.n
	}
	if a.n == 9 {
		if c := bytes.Compare(forms[a.idx][d+8:], forms[b.idx][d+8:]); c != 0 {
			return c < 0
		}
	}
	return a.idx < b.idx
}

// formByte is 0 past the end of f, the byte at d plus one otherwise.
func formByte(f []byte, d int) int {
	if d >= len(f) {
		return 0
	}
	return int(f[d]) + 1
}

// same reports whether the frozen node id has nd's terms and edges.
func (tr *dag) same(id int32, nd *bnode) bool {
	t := &tr.nodes[id]
	if t.mask != nd.mask || t.star != nd.star || int(t.nterm) != len(nd.terms) {
		return false
	}
	kids := tr.kids[t.kid:] // the same mask: as many kids
	for i, k := range nd.kids {
		if kids[i] != k {
			return false
		}
	}
	return t.nterm == 0 || slices.Equal(tr.terms[t.term:t.term+t.nterm], nd.terms)
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

// commonLen is the length of the common prefix of a and b, compared eight
// bytes at a time.
func commonLen(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)>>3
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}
