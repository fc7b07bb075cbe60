package cardstore

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/strazh/strazh/moderation"
)

// Mem is an in-memory store with the same semantics as the bbolt one in
// moderation/store: records are copied in and out, Apply is atomic.
type Mem struct {
	mu         sync.Mutex
	cards      map[string]*Card
	byDecision map[uint64]string
	outbox     map[uint64]*Outgoing
	seq        uint64
	offset     int64
	digest     map[uint64]bool
	fail       error
}

// NewMem returns an empty in-memory store.
func NewMem() *Mem {
	return &Mem{
		cards:      make(map[string]*Card),
		byDecision: make(map[uint64]string),
		outbox:     make(map[uint64]*Outgoing),
		digest:     make(map[uint64]bool),
	}
}

// FailWith makes every later Apply fail with err (nil clears it), to test
// how the reviewer copes with a broken disk.
func (m *Mem) FailWith(err error) {
	m.mu.Lock()
	m.fail = err
	m.mu.Unlock()
}

func copyCard(c *Card) *Card {
	cc := *c
	cc.Decisions = slices.Clone(c.Decisions)
	cc.Names = maps.Clone(c.Names)
	return &cc
}

// Apply implements the reviewer's CardStore.
func (m *Mem) Apply(ch Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, c := range ch.Put {
		if c.Key == "" {
			return fmt.Errorf("cardstore: put card: empty key")
		}
	}
	for _, k := range ch.Delete {
		m.deleteCard(k)
	}
	for _, c := range ch.Put {
		m.cards[c.Key] = copyCard(c)
		for _, d := range c.Decisions {
			m.byDecision[d] = c.Key
		}
	}
	for _, o := range ch.Enqueue {
		m.seq++
		o.Seq = m.seq
		oo := *o
		m.outbox[o.Seq] = &oo
	}
	for _, s := range ch.Done {
		delete(m.outbox, s)
	}
	if ch.Offset > 0 {
		m.offset = ch.Offset
	}
	for _, d := range ch.DigestAdd {
		m.digest[d] = true
	}
	for _, d := range ch.DigestDel {
		delete(m.digest, d)
	}
	return nil
}

func (m *Mem) deleteCard(key string) {
	c, ok := m.cards[key]
	if !ok {
		return
	}
	for _, d := range c.Decisions {
		if m.byDecision[d] == key {
			delete(m.byDecision, d)
		}
	}
	delete(m.cards, key)
}

// Card returns the card with the key, or moderation.ErrNotFound.
func (m *Mem) Card(key string) (*Card, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.cards[key]
	if !ok {
		return nil, fmt.Errorf("cardstore: card %q: %w", key, moderation.ErrNotFound)
	}
	return copyCard(c), nil
}

// CardFor returns the latest card showing the decision, or
// moderation.ErrNotFound.
func (m *Mem) CardFor(decision uint64) (*Card, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.byDecision[decision]
	if !ok {
		return nil, fmt.Errorf("cardstore: card for decision %d: %w", decision, moderation.ErrNotFound)
	}
	return copyCard(m.cards[k]), nil
}

// OpenCards lists the open cards, oldest first.
func (m *Mem) OpenCards() ([]*Card, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Card
	for _, c := range m.cards {
		if c.Open {
			out = append(out, copyCard(c))
		}
	}
	slices.SortFunc(out, func(a, b *Card) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.Key, b.Key))
	})
	return out, nil
}

// Outbox lists the queued messages in sending order: priority, then Seq.
func (m *Mem) Outbox() ([]*Outgoing, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Outgoing, 0, len(m.outbox))
	for _, o := range m.outbox {
		oo := *o
		out = append(out, &oo)
	}
	SortOutbox(out)
	return out, nil
}

// Offset returns the saved getUpdates offset (0 when none).
func (m *Mem) Offset() (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offset, nil
}

// Digest lists the decisions waiting for the next digest, by ID.
func (m *Mem) Digest() ([]uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]uint64, 0, len(m.digest))
	for d := range m.digest {
		out = append(out, d)
	}
	slices.Sort(out)
	return out, nil
}

// SortOutbox sorts entries into sending order: priority, then Seq.
func SortOutbox(out []*Outgoing) {
	slices.SortFunc(out, func(a, b *Outgoing) int {
		return cmp.Or(cmp.Compare(a.Prio, b.Prio), cmp.Compare(a.Seq, b.Seq))
	})
}
