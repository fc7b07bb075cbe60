package rules

import (
	"encoding/binary"
	"math/bits"
	"sort"

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

type trieBuilder struct {
	kids  []map[byte]int32
	terms [][]term
}

func newTrieBuilder() *trieBuilder {
	return &trieBuilder{kids: []map[byte]int32{{}}, terms: [][]term{nil}}
}

func (tb *trieBuilder) add(form []byte, t term) {
	n := int32(0)
	for _, b := range form {
		c, ok := tb.kids[n][b]
		if !ok {
			c = int32(len(tb.kids))
			tb.kids = append(tb.kids, map[byte]int32{})
			tb.terms = append(tb.terms, nil)
			tb.kids[n][b] = c
		}
		n = c
	}
	tb.terms[n] = append(tb.terms[n], t)
}

// canon maps every node to the first node with the same subtree. A child
// is always created after its parent, so walking the nodes backwards sees
// the children canonical before their parents.
func (tb *trieBuilder) canon() []int32 {
	canon := make([]int32, len(tb.kids))
	seen := make(map[string]int32, len(tb.kids))
	var key []byte
	for i := len(tb.kids) - 1; i >= 0; i-- {
		key = key[:0]
		for _, t := range tb.terms[i] {
			key = binary.AppendVarint(key, int64(t.lex))
			key = binary.AppendVarint(key, int64(t.entry))
			key = append(key, b2b(t.anchorEnd), b2b(t.exception))
		}
		key = append(key, 0xFF)
		bs := make([]int, 0, len(tb.kids[i]))
		for b := range tb.kids[i] {
			bs = append(bs, int(b))
		}
		sort.Ints(bs)
		for _, b := range bs {
			key = append(key, byte(b))
			key = binary.AppendVarint(key, int64(canon[tb.kids[i][byte(b)]]))
		}
		if i == 0 {
			canon[i] = 0
			break
		}
		if c, ok := seen[string(key)]; ok {
			canon[i] = c
			continue
		}
		canon[i] = int32(i)
		seen[string(key)] = int32(i)
	}
	return canon
}

func b2b(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (tb *trieBuilder) build() *trie {
	tr := &trie{}
	for i := range tr.class {
		tr.class[i] = noEdge
	}
	var used [256]bool
	for _, m := range tb.kids {
		for b := range m {
			used[b] = true
		}
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
	canon := tb.canon()
	// number the canonical nodes in creation order (the root stays 0)
	id := make([]int32, len(tb.kids))
	var order []int32
	for i := range tb.kids {
		if canon[i] == int32(i) {
			id[i] = int32(len(order))
			order = append(order, int32(i))
		}
	}
	ref := func(old int32) int32 {
		if old == 0 {
			return 0
		}
		return id[canon[old]]
	}
	tr.nodes = make([]tnode, len(order))
	for ni, old := range order {
		m := tb.kids[old]
		keys := make([]int, 0, len(m))
		for b := range m {
			if byte(b) != Star {
				keys = append(keys, int(b))
			}
		}
		sort.Slice(keys, func(a, b int) bool { return tr.class[keys[a]] < tr.class[keys[b]] })
		nd := &tr.nodes[ni]
		if s, ok := m[Star]; ok {
			nd.star = ref(s)
		}
		nd.kid = int32(len(tr.kids))
		for _, k := range keys {
			c := ref(m[byte(k)])
			nd.mask |= 1 << tr.class[k]
			tr.kids = append(tr.kids, c)
			if ni == 0 {
				tr.root[k] = c
			}
		}
		nd.term, nd.nterm = int32(len(tr.terms)), int32(len(tb.terms[old]))
		tr.terms = append(tr.terms, tb.terms[old]...)
	}
	return tr
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
