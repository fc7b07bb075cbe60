package rules

import (
	"math/bits"

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
// byte classes and a population count. A node's children are one block
// of records in class order, each a copy of the child's node: a walk
// steps from a record to the next with one load (a node shared in the
// dag has a record in the block of each parent).
type trie struct {
	root  [256]int32 // the record of each byte's child of the root, 0: none
	class [256]uint8 // byte → edge class (noEdge: no edge anywhere)
	nodes []tnode    // records; nodes[0] is no node
	infos []tinfo    // infos[0] is unused
	terms []term
}

// noEdge is the class of the bytes no entry has; no node has its bit.
const noEdge = 63

// tnode is a record of a node: 16 bytes, four to a cache line, the blocks
// in breadth-first order so the levels every walk passes through sit
// together.
type tnode struct {
	mask uint64 // classes of the bytes that have an edge
	kid  int32  // its children's records: nodes[kid:kid+popcount(mask)]
	info int32  // infos[info] has its terms and Star edge; 0: it has neither
}

// tinfo is what few nodes have: terms ending there and a Star edge.
type tinfo struct {
	star  int32 // the record of the child after a Star (any letters to the word's end), 0: none
	term  int32 // terms[term:term+nterm]
	nterm int32
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
	if tr == nil || len(tr.nodes) <= 1 { // no records: no entries
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
		if nd.info != 0 {
			hits = tr.visit(&tr.infos[nd.info], buf, start, j, src, hits, work)
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
		n = nd.kid + int32(bits.OnesCount64(nd.mask&(bit-1)))
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
			if nd.info != 0 {
				hits = tr.visit(&tr.infos[nd.info], buf, start, j, src, hits, work)
			}
			if j >= len(buf) {
				break
			}
			bit := uint64(1) << (tr.class[buf[j]] & 63)
			if nd.mask&bit == 0 {
				break
			}
			n = nd.kid + int32(bits.OnesCount64(nd.mask&(bit-1)))
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
func (tr *trie) visit(nd *tinfo, buf []byte, start, j int, src uint8, hits []hit, work *int) []hit {
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
