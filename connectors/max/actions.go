package max

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/moderation"
)

// parseRef reads "comment:<post mid>:<comment mid>".
func parseRef(ref string) (post, comment string, err error) {
	f := strings.Split(ref, ":")
	if len(f) != 3 || f[0] != "comment" || f[1] == "" || f[2] == "" {
		return "", "", fmt.Errorf("max: bad ref %q: %w", ref, moderation.ErrItem)
	}
	return f[1], f[2], nil
}

// Delete deletes a comment; one already gone counts as deleted. Deletions
// are paced at MAX's 2 per second per chat; a 429 comes back as
// *moderation.BackOffError with MAX's hint.
func (c *Connector) Delete(ctx context.Context, ref string) error {
	if c.isClosed() {
		return errClosed
	}
	post, comment, err := parseRef(ref)
	if err != nil {
		return err
	}
	if err := c.delLim.Wait(ctx); err != nil {
		return err
	}
	err = c.api.DeleteComment(ctx, post, comment)
	if maxapi.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("max: delete %s: %w", ref, maxapi.Classed(err))
	}
	return nil
}

// Restore: MAX cannot bring a deleted comment back (§6.5).
func (c *Connector) Restore(ctx context.Context, ref string) error {
	return fmt.Errorf("max: restore %s: %w", ref, moderation.ErrUnsupported)
}

// banInNetwork is where a ban in MAX itself goes. MAX documents no way to
// ban a channel's commenter (§6.5, unverified; DELETE
// /chats/{id}/members?block=true is for chats with a link and removes a
// member, not a commenter), so it reports ErrUnsupported and strazh's own
// blacklist does the work. When MAX documents one, call it here: the
// blacklist stays as well.
func (c *Connector) banInNetwork(context.Context, string, moderation.BanRequest) error {
	return moderation.ErrUnsupported
}

// Ban succeeds once MAX has done what it can (nothing, banInNetwork):
// the ban is strazh's own blacklist (Capabilities.BanLocal), kept in the
// store with the decision, and the pipeline deletes the author's next
// comments on sight, each as a decision of its own.
func (c *Connector) Ban(ctx context.Context, author string, b moderation.BanRequest) error {
	if c.isClosed() {
		return errClosed
	}
	if author == "" {
		return fmt.Errorf("max: ban: empty author: %w", moderation.ErrItem)
	}
	if err := c.banInNetwork(ctx, author, b); err != nil && !errors.Is(err, moderation.ErrUnsupported) {
		return fmt.Errorf("max: ban %s: %w", author, err)
	}
	return nil
}

// Unban: the store's blacklist entry goes with the unban; MAX holds none.
func (c *Connector) Unban(context.Context, string) error {
	if c.isClosed() {
		return errClosed
	}
	return nil
}
