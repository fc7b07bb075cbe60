package telegramtest

import (
	"context"
	"time"
)

// Changed returns a channel closed at the next change of the fake's state
// (a request, a message, an update).
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Wait blocks until cond (which may call the fake's accessors) is true or
// ctx ends.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		ch := s.Changed()
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		case <-time.After(100 * time.Millisecond): // cond may depend on more than the fake
		}
	}
}

// WaitMessage waits for a message in the chat that match accepts.
func (s *Server) WaitMessage(ctx context.Context, chatID int64, match func(Message) bool) (Message, error) {
	var found Message
	err := s.Wait(ctx, func() bool {
		for _, m := range s.Messages(chatID) {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// Watch calls fn for every message the bot sends to the chat and for every
// edit of one, in order, until ctx ends (the demo prints cards this way and
// presses their buttons). It blocks.
func (s *Server) Watch(ctx context.Context, chatID int64, fn func(m Message, edited bool)) {
	seen := make(map[int64]int)
	for {
		ch := s.Changed()
		for _, m := range s.BotMessages(chatID) {
			edits, ok := seen[m.ID]
			if ok && edits == m.Edits {
				continue
			}
			seen[m.ID] = m.Edits
			fn(m, ok)
		}
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
	}
}
