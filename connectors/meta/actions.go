package meta

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/strazh/strazh/moderation"
)

// checkRef refuses a Ref that is not a Graph id.
func checkRef(ref string) error {
	if ref == "" || strings.ContainsAny(ref, "/?#&= ") {
		return fmt.Errorf("bad ref %q: %w", ref, moderation.ErrItem)
	}
	return nil
}

// Delete removes a comment from view: deleted (action_mode: delete,
// DELETE /{comment-id}) or hidden (action_mode: hide). A comment already
// gone counts as done.
func (c *Connector) Delete(ctx context.Context, ref string) error {
	if c.isClosed() {
		return errClosed
	}
	if err := checkRef(ref); err != nil {
		return fmt.Errorf("%s: delete: %w", c.network, err)
	}
	var err error
	if c.set.actionMode == ModeHide {
		err = c.setHidden(ctx, ref, true)
	} else {
		err = c.api.del(ctx, ref, nil, nil)
	}
	if isUnknownObject(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %s %s: %w", c.network, c.set.actionMode, ref, err)
	}
	return nil
}

// Restore unhides a comment (action_mode: hide). A deleted comment cannot
// come back (Capabilities.Restore is false in delete mode).
func (c *Connector) Restore(ctx context.Context, ref string) error {
	if c.isClosed() {
		return errClosed
	}
	if c.set.actionMode != ModeHide {
		return fmt.Errorf("%s: restore %s: a deleted comment cannot be restored: %w", c.network, ref, moderation.ErrUnsupported)
	}
	if err := checkRef(ref); err != nil {
		return fmt.Errorf("%s: restore: %w", c.network, err)
	}
	if err := c.setHidden(ctx, ref, false); err != nil {
		return fmt.Errorf("%s: unhide %s: %w", c.network, ref, err)
	}
	return nil
}

// setHidden hides or unhides: POST /{comment-id} with is_hidden (Facebook)
// or hide (Instagram) → {"success":true}.
func (c *Connector) setHidden(ctx context.Context, ref string, hidden bool) error {
	param := fbHideParam
	if c.network == Instagram {
		param = igHideParam
	}
	return c.api.post(ctx, ref, url.Values{param: {fmt.Sprint(hidden)}}, nil)
}

// Ban blocks the author from the Page (POST /{page-id}/blocked; Facebook's
// block has no end: the pipeline unblocks when a timed ban runs out, BanNoEnd). Instagram cannot
// block: the ban is strazh's own blacklist (Capabilities.BanLocal), kept in
// the store, and the pipeline removes the author's next comments on sight.
func (c *Connector) Ban(ctx context.Context, author string, _ moderation.BanRequest) error {
	if c.isClosed() {
		return errClosed
	}
	if author == "" {
		return fmt.Errorf("%s: ban: empty author: %w", c.network, moderation.ErrItem)
	}
	if c.network == Instagram {
		return nil
	}
	if !numericRE.MatchString(author) {
		return fmt.Errorf("facebook: ban: author %q is not a user id: %w", author, moderation.ErrItem)
	}
	var out map[string]bool
	err := c.api.post(ctx, c.set.id+"/blocked", url.Values{blockParam: {author}}, &out)
	if err != nil {
		return fmt.Errorf("facebook: block %s: %w", author, err)
	}
	if ok, listed := out[author]; listed && !ok {
		return fmt.Errorf("facebook: block %s: refused by Meta: %w", author, moderation.ErrItem)
	}
	if !blockConfirmed(out, author) {
		// {} or null: nobody was blocked; a ban recorded now would let
		// the author go on commenting.
		return &moderation.BackOffError{Err: fmt.Errorf("facebook: block %s: the answer does not say the author is blocked", author)}
	}
	return nil
}

// Unban unblocks the author (DELETE /{page-id}/blocked); on Instagram the
// store's blacklist entry goes with the unban, Meta holds none.
func (c *Connector) Unban(ctx context.Context, author string) error {
	if c.isClosed() {
		return errClosed
	}
	if c.network == Instagram {
		return nil
	}
	if author == "" || !numericRE.MatchString(author) {
		return fmt.Errorf("facebook: unban: author %q is not a user id: %w", author, moderation.ErrItem)
	}
	err := c.api.del(ctx, c.set.id+"/blocked", url.Values{blockParam: {author}}, nil)
	if isUnknownObject(err) {
		return nil
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("facebook: unblock %s: %w", author, err)
	}
	return err
}
