package moderation

import "time"

// PauseState is a /pause in force: automatic actions wait, what the rules
// would delete goes to review.
type PauseState struct {
	By    string    `json:"by"`             // who paused ("telegram:123", "web:anna")
	At    time.Time `json:"at"`             // when
	Until time.Time `json:"until,omitzero"` // a timed pause ends then; zero: until /resume
}

// PauseStore keeps the pause across restarts (moderation/store implements
// it), so a restart does not resume automatic actions a human stopped.
type PauseStore interface {
	// Pause returns the pause in force; ok is false when there is none.
	Pause() (p PauseState, ok bool, err error)
	// SetPause records p as the pause in force; nil clears it.
	SetPause(p *PauseState) error
}
