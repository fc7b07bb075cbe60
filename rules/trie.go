package rules

import (
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

// trie is a byte trie frozen into flat arrays: the root is a dense table,
// inner nodes keep their few edges sorted.
type trie struct {
	root  [256]int32
	class [256]uint8 // byte → edge class (0xFF: no edge anywhere)
	nodes []tnode
	edges []tedge
	terms []term
}

type tnode struct {
	mask        uint64 // classes of the bytes that have an edge
	star        int32  // child after a Star (any letters to the word's end), 0: none
	edge, nedge int32  // edges[edge:edge+nedge]
	term, nterm int32  // terms[term:term+nterm]
}

type tedge struct {
	b     byte
	child int32
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

func (tb *trieBuilder) build() *trie {
	tr := &trie{nodes: make([]tnode, len(tb.kids))}
	for i := range tr.class {
		tr.class[i] = 0xFF
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
			if n == 64 {
				panic("rules: more than 64 distinct bytes in lexicons") // unreachable: the alphabet has 63
			}
			tr.class[b] = n
			n++
		}
	}
	for i, m := range tb.kids {
		keys := make([]int, 0, len(m))
		for b := range m {
			if byte(b) != Star {
				keys = append(keys, int(b))
			}
		}
		sort.Slice(keys, func(a, b int) bool { return tr.class[keys[a]] < tr.class[keys[b]] })
		nd := &tr.nodes[i]
		nd.star = m[Star]
		nd.edge, nd.nedge = int32(len(tr.edges)), int32(len(keys))
		for _, k := range keys {
			nd.mask |= 1 << tr.class[k]
			tr.edges = append(tr.edges, tedge{b: byte(k), child: m[byte(k)]})
			if i == 0 {
				tr.root[k] = m[byte(k)]
			}
		}
		nd.term, nd.nterm = int32(len(tr.terms)), int32(len(tb.terms[i]))
		tr.terms = append(tr.terms, tb.terms[i]...)
	}
	return tr
}

func (tr *trie) child(n int32, b byte) int32 {
	c := tr.class[b]
	if c == 0xFF {
		return 0
	}
	nd := &tr.nodes[n]
	bit := uint64(1) << c
	if nd.mask&bit == 0 {
		return 0
	}
	return tr.edges[nd.edge+int32(bits.OnesCount64(nd.mask&(bit-1)))].child
}

// hit is one lexicon term found in a normalised buffer.
type hit struct {
	t          *term
	start, end int32 // in the buffer
	src        uint8 // 0: N, 1: T
}

// scan walks tr over buf from every position (anchored: only from word
// starts) and appends hits.
func (tr *trie) scan(buf []byte, anchored bool, src uint8, hits []hit) []hit {
	if tr == nil || len(tr.nodes) <= 1 {
		return hits
	}
	for i := 1; i < len(buf)-1; i++ {
		b := buf[i]
		if b == normalize.Space || (anchored && buf[i-1] != normalize.Space) {
			continue
		}
		if n := tr.root[b]; n != 0 {
			hits = tr.walk(buf, i, n, i+1, src, hits)
		}
	}
	return hits
}

// walk follows the trie from node n, which has consumed buf[start:j].
func (tr *trie) walk(buf []byte, start int, n int32, j int, src uint8, hits []hit) []hit {
	for n != 0 {
		nd := &tr.nodes[n]
		if nd.nterm > 0 {
			for k := nd.term; k < nd.term+nd.nterm; k++ {
				t := &tr.terms[k]
				if t.anchorEnd && (j >= len(buf) || buf[j] != normalize.Space) {
					continue
				}
				hits = append(hits, hit{t: t, start: int32(start), end: int32(j), src: src})
			}
		}
		if nd.star != 0 {
			for k := j; k < len(buf); k++ {
				hits = tr.walk(buf, start, nd.star, k, src, hits)
				if buf[k] == normalize.Space {
					break
				}
			}
		}
		if j >= len(buf) {
			break
		}
		n = tr.child(n, buf[j])
		j++
	}
	return hits
}
