package vktest

import (
	"sync"
	"time"
)

// Meter is VK's per-token request count shared by several fakes: two
// communities run with one admin's user token (and one service token) are
// two Servers given the same Meter in Options. It counts user and service
// requests (community tokens belong to one community) over any sliding
// second, remembers the peak and, when the Servers have EnforceRate set,
// answers error 6 over VK's 3 requests/s.
type Meter struct {
	mu     sync.Mutex
	stamps map[TokenType][]time.Time
	peak   map[TokenType]int
	over   map[TokenType]int
	total  map[TokenType]int
}

// userLimit is VK's rate of a user or service token (§1.8).
const userLimit = 3

// take counts one request at now; false means it is over the limit (and
// enforce is set), so the Server answers error 6.
func (m *Meter) take(tt TokenType, now time.Time, enforce bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stamps == nil {
		m.stamps, m.peak, m.over, m.total = map[TokenType][]time.Time{}, map[TokenType]int{}, map[TokenType]int{}, map[TokenType]int{}
	}
	st := m.stamps[tt]
	for len(st) > 0 && now.Sub(st[0]) >= time.Second {
		st = st[1:]
	}
	if enforce && len(st) >= userLimit {
		m.stamps[tt] = st
		m.over[tt]++
		return false
	}
	st = append(st, now)
	m.stamps[tt] = st
	m.total[tt]++
	m.peak[tt] = max(m.peak[tt], len(st))
	return true
}

// Peak is the most requests with tt that fell in one second.
func (m *Meter) Peak(tt TokenType) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak[tt]
}

// Over is how many requests with tt were answered error 6.
func (m *Meter) Over(tt TokenType) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.over[tt]
}

// Total is how many requests with tt were let through.
func (m *Meter) Total(tt TokenType) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total[tt]
}
