package max

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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

// Ban puts an author on the connector's blacklist: their next comments
// are deleted on sight until the ban ends. The blacklist is saved in the
// cursor; Fetch returns at once so that the pipeline saves it.
func (c *Connector) Ban(ctx context.Context, author string, b moderation.BanRequest) error {
	if c.isClosed() {
		return errClosed
	}
	if author == "" {
		return fmt.Errorf("max: ban: empty author: %w", moderation.ErrItem)
	}
	until := int64(0)
	if !b.Until.IsZero() {
		if !b.Until.After(time.Now()) {
			return nil // already over
		}
		until = b.Until.UnixMilli()
	}
	if err := c.banInNetwork(ctx, author, b); err != nil && !errors.Is(err, moderation.ErrUnsupported) {
		return fmt.Errorf("max: ban %s: %w", author, err)
	}
	c.mu.Lock()
	c.black[author] = until
	c.mu.Unlock()
	c.log.Info("author blacklisted: their comments are deleted on sight", "author", author, "until", b.Until)
	c.poke()
	return nil
}

// Unban takes an author off the blacklist.
func (c *Connector) Unban(ctx context.Context, author string) error {
	if c.isClosed() {
		return errClosed
	}
	c.mu.Lock()
	delete(c.black, author)
	c.mu.Unlock()
	c.poke()
	return nil
}

// poke makes a waiting Fetch return, so the cursor with the blacklist is saved.
func (c *Connector) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// mergeBlacklist takes the saved blacklist on the first Fetch (bans placed
// since the start are kept too); later the connector's own is the truth.
func (c *Connector) mergeBlacklist(cur *cursor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded {
		return
	}
	c.loaded = true
	for a, u := range cur.Blacklist {
		if _, ok := c.black[a]; !ok {
			c.black[a] = u
		}
	}
}

// blacklistOut writes the live blacklist into the cursor, dropping ended bans.
func (c *Connector) blacklistOut(cur *cursor) {
	now := time.Now().UnixMilli()
	c.mu.Lock()
	defer c.mu.Unlock()
	cur.Blacklist = nil
	for a, u := range c.black {
		if u != 0 && u <= now {
			delete(c.black, a)
			continue
		}
		if cur.Blacklist == nil {
			cur.Blacklist = make(map[string]int64, len(c.black))
		}
		cur.Blacklist[a] = u
	}
}

func (c *Connector) blacklisted(author string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.black[author]
	return ok && (u == 0 || u > time.Now().UnixMilli())
}

// deleteOnSight deletes a blacklisted author's comment. It is not handed
// to the pipeline (the ban already decided it). A failed deletion is
// tried again at the start of the next cycles (fetchMu held).
func (c *Connector) deleteOnSight(ctx context.Context, cm moderation.Comment) {
	if err := c.Delete(ctx, cm.Ref); err != nil {
		c.log.Warn("cannot delete a blacklisted author's comment yet; trying again next cycle", "comment_id", cm.ID, "author", cm.Author.ID, "err", err)
		if len(c.retryDel) < maxRetryDel {
			c.retryDel = append(c.retryDel, cm)
		}
		return
	}
	c.log.Info("blacklisted author's comment deleted on sight", "comment_id", cm.ID, "author", cm.Author.ID)
}

// maxRetryDel bounds the deletions on sight waiting for another try.
const maxRetryDel = 1000

// retryDeletes tries the failed deletions on sight again (fetchMu held).
func (c *Connector) retryDeletes(ctx context.Context) {
	list := c.retryDel
	c.retryDel = nil
	for _, cm := range list {
		if c.blacklisted(cm.Author.ID) {
			c.deleteOnSight(ctx, cm)
		}
	}
}
