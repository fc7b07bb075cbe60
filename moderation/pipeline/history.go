package pipeline

import (
	"slices"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
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
	comment   uint64 // commentKey of the comment (0: none given)
	slot      int32  // its fingerprint's ring slot, -1 for none
}

type fpEntry struct {
	at      time.Time
	fp      moderation.Fingerprint
	author  string
	comment uint64 // commentKey
	gone    bool   // superseded by a newer version of the same comment
}

// commentKey stands for a comment ID in the history (a hash: the ID
// strings are not kept alive); 0 for none.
func commentKey(id string) uint64 {
	if id == "" {
		return 0
	}
	h := uint64(14695981039346656037) // FNV-1a, inline: no allocation
	for i := 0; i < len(id); i++ {
		h = (h ^ uint64(id[i])) * 1099511628211
	}
	return h | 1
}

type accountHistory struct {
	network string                   // of the comments recorded (for DistrictViolations)
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

// Record adds a decided comment. violation marks a delete or ban. A new
// version of a comment recorded before replaces it (see Supersede).
func (h *MemoryHistory) Record(c *moderation.Comment, fp moderation.Fingerprint, violation bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.account(c.Account)
	if c.Network != "" {
		a.network = c.Network
	}
	at := c.Created
	if !c.Edited.IsZero() {
		at = c.Edited
	}
	key := commentKey(c.ID)
	a.supersede(c.Author.ID, key)
	slot := int32(-1)
	if fp != (moderation.Fingerprint{}) {
		slot = a.addFingerprint(at, fp, c.Author.ID, key)
	}
	if c.Author.ID != "" {
		a.known[c.Author.ID] = struct{}{}
		evs := a.authors[c.Author.ID]
		// Drop events older than the window, keeping the slice short.
		cut := 0
		for cut < len(evs) && at.Sub(evs[cut].at) > h.window {
			cut++
		}
		evs = append(evs[cut:], authorEvent{at: at, violation: violation, comment: key, slot: slot})
		a.authors[c.Author.ID] = evs
	}
}

// Supersede forgets the recorded versions of c (an edit is about to be
// judged): the author wrote one comment, so its earlier texts count
// neither as the author's other comments nor as copies, or a comment
// edited twice would be a flood of itself. A version that was a violation
// stays one.
func (h *MemoryHistory) Supersede(c *moderation.Comment) {
	key := commentKey(c.ID)
	if key == 0 || c.Author.ID == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if a := h.accounts[c.Account]; a != nil {
		a.supersede(c.Author.ID, key)
	}
}

// supersede is Supersede for the author's events; call with mu held.
func (a *accountHistory) supersede(author string, key uint64) {
	if key == 0 || author == "" {
		return
	}
	evs := a.authors[author]
	kept := evs[:0]
	for _, e := range evs {
		if e.comment != key {
			kept = append(kept, e)
			continue
		}
		if e.slot >= 0 && int(e.slot) < len(a.fps) && a.fps[e.slot].comment == key {
			a.fps[e.slot].gone = true
		}
		if e.violation {
			e.slot = -1
			kept = append(kept, e)
		}
	}
	clear(evs[len(kept):])
	a.authors[author] = kept
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

// addFingerprint puts fp in the ring and returns its slot.
func (a *accountHistory) addFingerprint(at time.Time, fp moderation.Fingerprint, author string, comment uint64) int32 {
	slot := a.fpNext
	if len(a.fps) < maxFingerprints {
		a.fps = append(a.fps, fpEntry{})
	} else {
		// Unlink the entry being overwritten. Slots join each list in the
		// order they are written and the ring overwrites the oldest first,
		// so it is at the front of its lists.
		old := a.fps[slot].fp
		for i, v := range old {
			k := fpKey(i, v)
			slots := a.fpIndex[k]
			if len(slots) > 0 && int(slots[0]) == slot {
				slots = slots[1:]
			} else {
				slots = slices.DeleteFunc(slots, func(x int32) bool { return int(x) == slot })
			}
			if len(slots) == 0 {
				delete(a.fpIndex, k)
			} else {
				a.fpIndex[k] = slots
			}
		}
	}
	a.fps[slot] = fpEntry{at: at, fp: fp, author: author, comment: comment}
	for i, v := range fp {
		k := fpKey(i, v)
		a.fpIndex[k] = append(a.fpIndex[k], int32(slot))
	}
	a.fpNext = (slot + 1) % maxFingerprints
	return int32(slot)
}

// Violations implements History.
func (h *MemoryHistory) Violations(account, author string, since time.Time) int {
	return h.count(account, author, since, true)
}

// DistrictViolations implements moderation.DistrictHistory: the author's
// violations on every page of network.
func (h *MemoryHistory) DistrictViolations(network, author string, since time.Time) int {
	h.mu.RLock()
	var names []string
	for name, a := range h.accounts {
		if a.network == network {
			names = append(names, name)
		}
	}
	h.mu.RUnlock()
	n := 0
	for _, name := range names {
		n += h.count(name, author, since, true)
	}
	return n
}

// Comments implements History.
func (h *MemoryHistory) Comments(account, author string, since time.Time) int {
	return h.count(account, author, since, false)
}

func (h *MemoryHistory) count(account, author string, since time.Time, violationsOnly bool) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	a := h.accounts[account]
	if a == nil {
		return 0
	}
	n := 0
	for _, e := range a.authors[author] {
		if (e.violation || !violationsOnly) && !e.at.Before(since) {
			n++
		}
	}
	return n
}

// MaxSimilar is where Similar stops counting: rules ask "at least n"
// with small n, and a flood of identical texts must not make every
// comment scan all of them.
const MaxSimilar = 256

// Similar implements History. It looks only at entries sharing at least one
// MinHash value with fp, the newest 4×MaxSimilar per position, and stops
// counting at MaxSimilar.
func (h *MemoryHistory) Similar(account string, fp moderation.Fingerprint, minSimilarity float64, since time.Time) int {
	return h.similar(account, "", fp, minSimilarity, since)
}

// SimilarByAuthor is Similar counting only the author's own comments: the
// same text from one person is a flood, from many a topic people care
// about (rules' own_duplicates).
func (h *MemoryHistory) SimilarByAuthor(account, author string, fp moderation.Fingerprint, minSimilarity float64, since time.Time) int {
	if author == "" {
		return 0
	}
	return h.similar(account, author, fp, minSimilarity, since)
}

// similar counts entries like fp, by author unless author is "".
func (h *MemoryHistory) similar(account, author string, fp moderation.Fingerprint, minSimilarity float64, since time.Time) int {
	if fp == (moderation.Fingerprint{}) {
		return 0
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	a := h.accounts[account]
	if a == nil {
		return 0
	}
	var counted map[int32]bool // slots already counted through another position
	n := 0
	for i, v := range fp {
		slots := a.fpIndex[fpKey(i, v)]
		// Newest first; recording order is nearly time order, so looking
		// at the newest few hundred per position is enough and bounded.
		for j := len(slots) - 1; j >= 0 && j >= len(slots)-4*MaxSimilar; j-- {
			s := slots[j]
			e := a.fps[s]
			if e.gone || e.at.Before(since) || counted[s] || (author != "" && e.author != author) || e.fp.Similarity(fp) < minSimilarity {
				continue
			}
			if counted == nil {
				counted = make(map[int32]bool)
			}
			counted[s] = true
			if n++; n >= MaxSimilar {
				return n
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
