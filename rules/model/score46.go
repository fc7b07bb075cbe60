package model

import "github.com/strazh/strazh/rules/normalize"

// shipBits is the table size of the shipped shape, which sums46 is
// written for: 2^19 buckets of two labels, character n-grams of 4..6
// bytes at the word edges, words (and pairs) — gatherEdges and accumulate
// in one pass, each bucket's two weights added where its hash is made,
// with a shift the compiler knows (so a bucket needs no bounds check).
const shipBits = 19

// table46 is the weights of the shipped shape.
type table46 = [2 << shipBits]int16

// is46 reports whether m has the shape sums46 is written for.
func (m *Model) is46() bool {
	p := m.p
	return !p.Inner && p.Bits == shipBits && p.CharMin == 4 && p.CharMax == 6 && len(m.labels) == 2 && len(m.q) == len(table46{})
}

// bucket46 is featurizer.bucket for shipBits.
func bucket46(h uint64) uint {
	return uint((h * mix) >> (64 - shipBits))
}

// sums46 returns the two labels' sums of the weights of n's features and
// how many there are, as gatherEdges with edges46 and accumulate give
// them (the same features; integer sums, so the order does not matter).
func sums46(q *table46, wordN int, n []byte) (a0, a1 int64, cnt int) {
	if wordN == 1 {
		return sums46w(q, n)
	}
	var prev uint64
	havePrev := false
	for i := 0; i < len(n); {
		if n[i] == normalize.Space {
			i++
			continue
		}
		hw := uint64(seedWord)
		j := i
		for ; j < len(n); j++ {
			c := n[j]
			if c == normalize.Space {
				break
			}
			hw = (hw ^ uint64(c)) * fnvPrime
		}
		a, b := wordSpan(n, i, j)
		if w := n[a:b]; len(w) >= 4 {
			// stems of 4, 5 and 6 bytes, endings of 4, 5 and 6 bytes
			// shorter than w, as edges46
			l := len(w)
			h := (((uint64(fnvOffset)^uint64(w[0]))*fnvPrime^uint64(w[1]))*fnvPrime ^ uint64(w[2])) * fnvPrime
			h = (h ^ uint64(w[3])) * fnvPrime
			x := bucket46(h)
			a0 += int64(q[2*x])
			a1 += int64(q[2*x+1])
			cnt++
			if l >= 5 {
				h = (h ^ uint64(w[4])) * fnvPrime
				x = bucket46(h)
				a0 += int64(q[2*x])
				a1 += int64(q[2*x+1])
				cnt++
				if l >= 6 {
					h = (h ^ uint64(w[5])) * fnvPrime
					x = bucket46(h)
					a0 += int64(q[2*x])
					a1 += int64(q[2*x+1])
					cnt++
				}
				e := w[l-5 : l]
				h = (((uint64(seedEnd)^uint64(e[4]))*fnvPrime^uint64(e[3]))*fnvPrime ^ uint64(e[2])) * fnvPrime
				h = (h ^ uint64(e[1])) * fnvPrime
				x = bucket46(h)
				a0 += int64(q[2*x])
				a1 += int64(q[2*x+1])
				cnt++
				if l >= 6 {
					h = (h ^ uint64(e[0])) * fnvPrime
					x = bucket46(h)
					a0 += int64(q[2*x])
					a1 += int64(q[2*x+1])
					cnt++
					if l >= 7 {
						h = (h ^ uint64(w[l-6])) * fnvPrime
						x = bucket46(h)
						a0 += int64(q[2*x])
						a1 += int64(q[2*x+1])
						cnt++
					}
				}
			}
		}
		if wordN >= 1 {
			x := bucket46(hw)
			a0 += int64(q[2*x])
			a1 += int64(q[2*x+1])
			cnt++
			if wordN >= 2 && havePrev {
				x = bucket46((prev*seedPair ^ hw) * fnvPrime)
				a0 += int64(q[2*x])
				a1 += int64(q[2*x+1])
				cnt++
			}
			prev, havePrev = hw, true
		}
		i = j
	}
	return a0, a1, cnt
}

// sums46w is sums46 for the shipped words setting (words, no pairs):
// without the pair's state the loop's variables fit in registers, and each
// bucket's two weights are read at one address.
func sums46w(q *table46, n []byte) (a0, a1 int64, cnt int) {
	prime := fnvP // a variable, so that the word loop keeps it in a register
	for i := 0; i < len(n); {
		if n[i] == normalize.Space {
			i++
			continue
		}
		hw := uint64(seedWord)
		j := i
		for ; j < len(n); j++ {
			c := n[j]
			if c == normalize.Space {
				break
			}
			hw = (hw ^ uint64(c)) * prime
		}
		p := (*[2]int16)(q[2*bucket46(hw):])
		a0 += int64(p[0])
		a1 += int64(p[1])
		cnt++
		// wordSpan, branch-free: i < j <= len(n)
		a := max(i-1, 0)
		b := min(j+1, len(n), a+maxWord+2)
		i = j
		w := n[a:b]
		l := len(w)
		if l < 4 {
			continue
		}
		// stems of 4, 5 and 6 bytes, endings of 4, 5 and 6 bytes shorter
		// than w, as edges46
		h := (((uint64(fnvOffset)^uint64(w[0]))*fnvPrime^uint64(w[1]))*fnvPrime ^ uint64(w[2])) * fnvPrime
		h = (h ^ uint64(w[3])) * fnvPrime
		p = (*[2]int16)(q[2*bucket46(h):])
		a0 += int64(p[0])
		a1 += int64(p[1])
		cnt++
		if l < 5 {
			continue
		}
		h = (h ^ uint64(w[4])) * fnvPrime
		p = (*[2]int16)(q[2*bucket46(h):])
		a0 += int64(p[0])
		a1 += int64(p[1])
		e := w[l-5 : l]
		g := (((uint64(seedEnd)^uint64(e[4]))*fnvPrime^uint64(e[3]))*fnvPrime ^ uint64(e[2])) * fnvPrime
		g = (g ^ uint64(e[1])) * fnvPrime
		p = (*[2]int16)(q[2*bucket46(g):])
		a0 += int64(p[0])
		a1 += int64(p[1])
		if l < 6 {
			cnt += 2
			continue
		}
		h = (h ^ uint64(w[5])) * fnvPrime
		p = (*[2]int16)(q[2*bucket46(h):])
		a0 += int64(p[0])
		a1 += int64(p[1])
		g = (g ^ uint64(e[0])) * fnvPrime
		p = (*[2]int16)(q[2*bucket46(g):])
		a0 += int64(p[0])
		a1 += int64(p[1])
		if l < 7 {
			cnt += 4
			continue
		}
		g = (g ^ uint64(w[l-6])) * fnvPrime
		p = (*[2]int16)(q[2*bucket46(g):])
		a0 += int64(p[0])
		a1 += int64(p[1])
		cnt += 5
	}
	return a0, a1, cnt
}

// fnvP is fnvPrime as a variable (see sums46w).
var fnvP uint64 = fnvPrime
