package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/strazh/strazh/moderation"
)

// descNotFound is Telegram's answer to deleting a message that is gone.
const descNotFound = "message to delete not found"

// classify wraps an error of one call into the pipeline's classes (§5.1,
// §5.4): 401/404 and a missing right are broken credentials, 409 another
// poller of the token, 429 a back-off for retry_after, 5xx and network
// trouble a retry, other 400s permanent for the item. The caller's own
// cancellation passes through.
func classify(method string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		var de *decodeError
		if errors.As(err, &de) {
			return classed{fmt.Errorf("telegram: %s: %w", method, err), moderation.ErrItem}
		}
		// Timeouts, refused or dropped connections, a proxy's page.
		return &moderation.BackOffError{Err: fmt.Errorf("telegram: %s: %w", method, err)}
	}
	d := strings.ToLower(ae.Description)
	switch {
	case ae.Code == 401 || ae.Code == 404:
		return classed{fmt.Errorf("telegram: %w (the bot token is wrong or revoked: ask @BotFather)", ae), moderation.ErrCredentials}
	case ae.Code == 409:
		return classed{fmt.Errorf("telegram: %w (another getUpdates poller or a webhook uses this bot token: is it the review bot's? give the connector a bot of its own)", ae), moderation.ErrCredentials}
	case ae.Code == 429:
		return &moderation.BackOffError{Err: fmt.Errorf("telegram: %w", ae), Wait: ae.RetryAfter}
	case ae.Code >= 500:
		return &moderation.BackOffError{Err: fmt.Errorf("telegram: %w", ae)}
	case ae.MigrateTo != 0:
		return classed{fmt.Errorf("telegram: %w (the group became supergroup %d: set chat_id to it)", ae, ae.MigrateTo), moderation.ErrCredentials}
	case ae.Code == 403, strings.Contains(d, "not enough rights"), strings.Contains(d, "chat not found"),
		strings.Contains(d, "need administrator rights"), strings.Contains(d, "not an administrator"):
		return classed{fmt.Errorf("telegram: %w (the bot must be an admin of the discussion group with the rights to delete messages and ban users)", ae), moderation.ErrCredentials}
	}
	return classed{fmt.Errorf("telegram: %w", ae), moderation.ErrItem}
}

// isGone reports a deleteMessage answered "message to delete not found".
func isGone(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Code == 400 && strings.Contains(strings.ToLower(ae.Description), descNotFound)
}

// classed is an error tagged with its class, keeping the message free of
// the class's own text.
type classed struct {
	err   error
	class error // moderation.ErrCredentials or moderation.ErrItem
}

func (e classed) Error() string   { return e.err.Error() }
func (e classed) Unwrap() []error { return []error{e.err, e.class} }
