package rules

import (
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
// The root is a dense table; an inner node has a bit mask of the byte
// classes it has edges for, and its child of class c is the record at its
// base (kid) plus c, a copy of the child's node: a walk steps from a
// record to the next with one load (a node shared in the dag has a record
// among the children of each parent). The children of different nodes
// interleave in the slots the others leave free.
type trie struct {
	root  [256]int32 // the record of each byte's child of the root, 0: none
	class [256]uint8 // byte → edge class (noEdge: no edge anywhere)
	nodes []tnode    // records; nodes[0] is no node
	infos []tinfo    // infos[0] is unused
	terms []term
}

// noEdge is the class of the bytes no entry has; no node has its bit.
const noEdge = 63

// tnode is a record of a node: 16 bytes, four to a cache line, placed in
// breadth-first order so the levels every walk passes through sit
// together.
type tnode struct {
	mask uint64 // classes of the bytes that have an edge
	kid  int32  // its child of class c (a bit of mask) is nodes[kid+c]
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
		cls := tr.class[buf[j]] & 63
		bit := uint64(1) << cls
		if nd.mask&bit == 0 {
			*work += j - j0 + 1
			return hits
		}
		n = nd.kid + int32(cls)
		j++
	}
}

// walkStarts walks tr from each of the starts (word starts in buf), as
// walk does. The walks run in walkSome, which
// calls nothing (a call in its loop would keep every variable on the
// stack) and notes the nodes with terms or a Star edge in pend; they are
// visited here afterwards, in the order the walks reached them, so the
// hits come out as if each were visited on the way. pend must hold at
// least len(buf)+1 entries (one walk's most).
func (tr *trie) walkStarts(buf []byte, starts []int64, src uint8, pend []pending, hits []hit, work *int) []hit {
	stepped := 0
	for len(starts) > 0 {
		done, np, st := tr.walkSome(buf, starts, pend)
		stepped += st
		for _, p := range pend[:np] {
			hits = tr.visit(&tr.infos[p.info], buf, int(p.start), int(p.end), src, hits, work)
		}
		starts = starts[done:]
	}
	*work += stepped
	return hits
}

// pending is a node with terms or a Star edge a walk reached: infos[info],
// reached from start having consumed buf[start:end].
type pending struct {
	info, start, end int32
}

// walkSome walks from the starts while pend has room for a whole walk
// (one entry per byte of buf from its start on, and one more). It returns
// how many starts it walked, how many entries of pend it filled and the
// bytes it stepped over.
func (tr *trie) walkSome(buf []byte, starts []int64, pend []pending) (done, np, stepped int) {
	nodes, class, root := tr.nodes, &tr.class, &tr.root
	for si, s := range starts {
		start := int(s)
		n := root[buf[start]]
		if n == 0 {
			continue
		}
		if np+len(buf)-start+1 > len(pend) {
			return si, np, stepped
		}
		j := start + 1
		for {
			nd := &nodes[n]
			if nd.info != 0 {
				pend[np] = pending{info: nd.info, start: int32(start), end: int32(j)}
				np++
			}
			if j >= len(buf) {
				break
			}
			cls := class[buf[j]] & 63
			bit := uint64(1) << cls
			if nd.mask&bit == 0 {
				break
			}
			n = nd.kid + int32(cls)
			j++
		}
		stepped += j - start
	}
	return len(starts), np, stepped
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
