package review

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Send error classes (the class label of strazh_review_send_errors_total).
const (
	ClassRateLimit    = "rate_limit"     // 429: Telegram asked to slow down
	ClassNetwork      = "network"        // no answer: DNS, connect, time-out
	ClassUnauthorized = "unauthorized"   // 401/404: the token is wrong or revoked
	ClassForbidden    = "forbidden"      // 403: the bot was removed or lacks a right
	ClassChatNotFound = "chat_not_found" // telegram.chat_id is wrong
	ClassBadRequest   = "bad_request"    // 400: the message itself was refused
	ClassConflict     = "conflict"       // 409: another bot instance polls
	ClassServer       = "server"         // 5xx or an answer that is not the Bot API's
)

// sendErrorClasses are created at zero so an alert on increase() sees the
// first error after a start.
var sendErrorClasses = []string{ClassRateLimit, ClassNetwork, ClassUnauthorized, ClassForbidden,
	ClassChatNotFound, ClassBadRequest, ClassConflict, ClassServer}

// health is the channel's state: broken while the last send or the last
// poll failed (a message cannot leave, or taps cannot arrive).
type health struct {
	mu         sync.Mutex
	send, poll error
	onChange   func(up bool)
}

// set records one side's state. onChange runs under the lock: two changes
// told out of order (a send failing while a poll recovers) left the gauge
// up while /readyz said the chat was broken.
func (h *health) set(which *error, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	before := h.send == nil && h.poll == nil
	*which = err
	after := h.send == nil && h.poll == nil
	if before != after && h.onChange != nil {
		h.onChange(after)
	}
}

func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	if h.send != nil {
		errs = append(errs, fmt.Errorf("sending: %w", h.send))
	}
	if h.poll != nil {
		errs = append(errs, fmt.Errorf("receiving: %w", h.poll))
	}
	return errors.Join(errs...)
}

// Health reports why the review chat is broken (nil: it works, or nothing
// has failed yet). /readyz shows it.
func (t *Reviewer) Health() error {
	if err := t.health.err(); err != nil {
		return fmt.Errorf("%s review chat: %w", t.tr.channel(), err)
	}
	return nil
}

// sendFailed records a failed Bot API send: counted by class, and the
// channel is down until a send succeeds, unless Telegram refused only this
// message (bad request), which says nothing about the channel.
func (t *Reviewer) sendFailed(err error) {
	class := t.tr.failure(err).class
	t.metrics.sendErrors.WithLabelValues(t.tr.channel(), class).Inc()
	if class != ClassBadRequest {
		t.health.set(&t.health.send, errors.New(class+": "+redact(err.Error(), t.secret)))
	}
}

func (t *Reviewer) sendOK() { t.health.set(&t.health.send, nil) }

func (t *Reviewer) pollFailed(err error) {
	t.health.set(&t.health.poll, errors.New(t.tr.failure(err).class+": "+redact(err.Error(), t.secret)))
}

func (t *Reviewer) pollOK() { t.health.set(&t.health.poll, nil) }

// redact keeps the token out of an error text that may name the URL.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "<token>")
}
