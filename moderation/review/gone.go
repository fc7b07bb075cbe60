package review

import (
	"context"
	"errors"
	"fmt"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// A comment deleted on the network by a human while its review was
// pending: the pipeline records the review as decided by the network
// (moderation.ByNetwork) and calls Gone; the card is edited to say so,
// with its buttons removed.

// goneText is "Удалён в ВКонтакте" per network, for one language.
type goneText struct {
	on    map[string]string // by network
	other string            // "%s": the network's name
}

var goneTexts = map[*texts]goneText{
	ru: {on: map[string]string{"vk": "Удалён в ВКонтакте", "ok": "Удалён в Одноклассниках",
		"facebook": "Удалён в Facebook", "instagram": "Удалён в Instagram", "max": "Удалён в MAX", "telegram": "Удалён в Telegram"}, other: "Удалён в сети «%s»"},
	en: {on: map[string]string{"vk": "Deleted on VK", "ok": "Deleted on OK"}, other: "Deleted on %s"},
}

// Gone closes the card of a review whose comment was deleted on the
// network (moderation.GoneCloser). It only writes to the store; the edit
// goes out through the outbox. A decision without a card has nothing to
// close.
func (t *Reviewer) Gone(ctx context.Context, d *moderation.Decision) error {
	c, err := t.store.CardFor(d.ID)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("review: close card of decision %d: %w", d.ID, err)
	case c.Kind != cardstore.KindReview:
		return nil
	}
	w := work{refresh: []refresh{{key: c.Key, close: true}}}
	t.commit(&w)
	return nil
}

// Refresh re-renders the card of a decision changed in another review
// channel (Refresher): a decided review's card is closed, a notice shows
// the undo or the retried actions. It only writes to the store.
func (t *Reviewer) Refresh(ctx context.Context, d *moderation.Decision) error {
	c, err := t.store.CardFor(d.ID)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("review: refresh card of decision %d: %w", d.ID, err)
	}
	w := work{refresh: []refresh{{key: c.Key, close: c.Kind == cardstore.KindReview && decided(d)}}}
	t.commit(&w)
	return nil
}

// goneByNetwork reports whether a decided review was closed because its
// comment was deleted on the network.
func goneByNetwork(d *moderation.Decision) bool {
	return decided(d) && d.Review.By == moderation.ByNetwork
}

// editedByAuthor reports whether a decided review was closed because its
// author edited the comment (moderation.ByEdit): the card's text is not
// the comment's any more, and the new version is decided on its own.
func editedByAuthor(d *moderation.Decision) bool {
	return decided(d) && d.Review.By == moderation.ByEdit
}

// editedText is the closing line of such a card, per language.
var editedText = map[*texts]string{
	ru: "Изменён автором — новый текст проверен заново",
	en: "Edited by the author — the new text is checked anew",
}

// goneLine is "Удалён в ВКонтакте — vk:102, 02.01.2026 15:10" (plain text;
// the caller escapes or marks it up).
func (t *Reviewer) goneLine(d *moderation.Decision) (head, rest string) {
	g := goneTexts[t.tx]
	head = g.on[d.Comment.Network]
	if head == "" {
		head = fmt.Sprintf(g.other, t.networkName(d.Comment.Network))
	}
	rest = t.fmtTime(d.Review.At)
	if d.Review.ByName != "" {
		rest = short(d.Review.ByName) + ", " + rest
	}
	return head, rest
}

var (
	_ moderation.GoneCloser = (*Telegram)(nil)
	_ Refresher             = (*Telegram)(nil)
)
