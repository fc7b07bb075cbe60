package moderation

import (
	"sync"
	"time"
)

// MemoryHistory answers the rule engine's context questions from memory: a
// window of recent comments per account, rebuilt from the store at start-up.
// It is safe for concurrent use.
type MemoryHistory struct {
	mu       sync.RWMutex
	window   time.Duration
	accounts map[string]*accountHistory
}

type authorEvent struct {
	at        time.Time
	violation bool
}

type fpEntry struct {
	at time.Time
	fp Fingerprint
}

type accountHistory struct {
	authors map[string][]authorEvent // recent events, oldest first
	known   map[string]struct{}      // every author seen
	fps     []fpEntry                // ring of recent fingerprints
	fpNext  int
	fpIndex map[uint64][]int32 // (position, value) → ring slots that had it
}

// maxFingerprints bounds memory for copy-paste detection per account.
const maxFingerprints = 1 << 14

// NewMemoryHistory keeps events for window (the longest look-back any rule
// uses; 30 days is plenty).
func NewMemoryHistory(window time.Duration) *MemoryHistory {
	return &MemoryHistory{window: window, accounts: make(map[string]*accountHistory)}
}

func (h *MemoryHistory) account(name string) *accountHistory {
	a := h.accounts[name]
	if a == nil {
		a = &accountHistory{
			authors: make(map[string][]authorEvent),
			known:   make(map[string]struct{}),
			fpIndex: make(map[uint64][]int32),
		}
		h.accounts[name] = a
	}
	return a
}

// Record adds a decided comment. violation marks a delete or ban.
func (h *MemoryHistory) Record(c *Comment, fp Fingerprint, violation bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.account(c.Account)
	at := c.Created
	if !c.Edited.IsZero() {
		at = c.Edited
	}
	if c.Author.ID != "" {
		a.known[c.Author.ID] = struct{}{}
		evs := a.authors[c.Author.ID]
		// Drop events older than the window, keeping the slice short.
		cut := 0
		for cut < len(evs) && at.Sub(evs[cut].at) > h.window {
			cut++
		}
		evs = append(evs[cut:], authorEvent{at: at, violation: violation})
		a.authors[c.Author.ID] = evs
	}
	if fp != (Fingerprint{}) {
		a.addFingerprint(at, fp)
	}
}

// MarkViolation records that a human later judged the author's comment a
// violation (a review decided as delete or ban).
func (h *MemoryHistory) MarkViolation(account, author string, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.account(account)
	evs := a.authors[author]
	for i := range evs {
		if evs[i].at.Equal(at) {
			evs[i].violation = true
			return
		}
	}
	a.authors[author] = append(evs, authorEvent{at: at, violation: true})
}

func fpKey(pos int, v uint32) uint64 { return uint64(pos)<<32 | uint64(v) }

func (a *accountHistory) addFingerprint(at time.Time, fp Fingerprint) {
	slot := a.fpNext
	if len(a.fps) < maxFingerprints {
		a.fps = append(a.fps, fpEntry{})
	} else {
		// Unlink the entry being overwritten.
		old := a.fps[slot].fp
		for i, v := range old {
			k := fpKey(i, v)
			slots := a.fpIndex[k]
			for j, s := range slots {
				if int(s) == slot {
					slots[j] = slots[len(slots)-1]
					slots = slots[:len(slots)-1]
					break
				}
			}
			if len(slots) == 0 {
				delete(a.fpIndex, k)
			} else {
				a.fpIndex[k] = slots
			}
		}
	}
	a.fps[slot] = fpEntry{at: at, fp: fp}
	for i, v := range fp {
		k := fpKey(i, v)
		a.fpIndex[k] = append(a.fpIndex[k], int32(slot))
	}
	a.fpNext = (slot + 1) % maxFingerprints
}

// Violations implements History.
func (h *MemoryHistory) Violations(account, author string, since time.Time) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	a := h.accounts[account]
	if a == nil {
		return 0
	}
	n := 0
	for _, e := range a.authors[author] {
		if e.violation && !e.at.Before(since) {
			n++
		}
	}
	return n
}

// Comments implements History.
func (h *MemoryHistory) Comments(account, author string, since time.Time) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	a := h.accounts[account]
	if a == nil {
		return 0
	}
	n := 0
	for _, e := range a.authors[author] {
		if !e.at.Before(since) {
			n++
		}
	}
	return n
}

// Similar implements History: it looks only at entries sharing at least one
// MinHash value with fp, so it stays cheap with many stored fingerprints.
func (h *MemoryHistory) Similar(account string, fp Fingerprint, minSimilarity float64, since time.Time) int {
	if fp == (Fingerprint{}) {
		return 0
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	a := h.accounts[account]
	if a == nil {
		return 0
	}
	var seen [64]int32 // small inline set of counted slots
	nseen, n := 0, 0
	var overflow map[int32]bool
	for i, v := range fp {
		for _, s := range a.fpIndex[fpKey(i, v)] {
			dup := false
			for _, x := range seen[:nseen] {
				if x == s {
					dup = true
					break
				}
			}
			if !dup && overflow != nil && overflow[s] {
				dup = true
			}
			if dup {
				continue
			}
			if nseen < len(seen) {
				seen[nseen] = s
				nseen++
			} else {
				if overflow == nil {
					overflow = make(map[int32]bool)
				}
				overflow[s] = true
			}
			e := a.fps[s]
			if !e.at.Before(since) && e.fp.Similarity(fp) >= minSimilarity {
				n++
			}
		}
	}
	return n
}

// Known implements History.
func (h *MemoryHistory) Known(account, author string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	a := h.accounts[account]
	if a == nil {
		return false
	}
	_, ok := a.known[author]
	return ok
}
