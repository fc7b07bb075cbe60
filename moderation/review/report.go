package review

import (
	"context"
	"fmt"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// Report is the report for the head of the district sent on a schedule
// (report.every): a short summary message and the report as a file.
type Report struct {
	Summary string // plain text, several lines
	Caption string // plain text under the file
	Name    string // the file's name, "otchet-2026-11-30.html"
	Doc     []byte // the file; nil: the summary only
}

// ReportSender is a review channel that sends the scheduled report.
type ReportSender interface {
	SendReport(ctx context.Context, r Report) error
}

// SendReport queues the summary and, where the messenger takes files
// (docSender), the document in the review chat, through the durable
// outbox: a failed send is retried like any card. It only writes to the
// store.
func (t *Reviewer) SendReport(ctx context.Context, r Report) error {
	now := t.now()
	out := []*cardstore.Outgoing{{Prio: cardstore.PrioNotice, Op: cardstore.OpText, ChatID: t.cfg.ChatID,
		Text: esc(r.Summary), Created: now}}
	if _, ok := t.tr.(docSender); ok && len(r.Doc) > 0 {
		out = append(out, &cardstore.Outgoing{Prio: cardstore.PrioNotice, Op: cardstore.OpDocument, ChatID: t.cfg.ChatID,
			Text: esc(r.Caption), DocName: r.Name, Doc: r.Doc, Created: now})
	}
	if err := t.store.Apply(cardstore.Change{Enqueue: out}); err != nil {
		return fmt.Errorf("review: queue the report: %w", err)
	}
	t.poke()
	return nil
}

// SendReport queues the report in every channel that sends it.
func (f *Fanout) SendReport(ctx context.Context, r Report) error {
	return f.SendReportSkipping(ctx, r, map[string]bool{})
}

// ReportRetrier is a ReportSender over several channels: a retry after a
// partial failure skips the channels that queued the report already.
type ReportRetrier interface {
	SendReportSkipping(ctx context.Context, r Report, queued map[string]bool) error
}

// SendReportSkipping is SendReport for the channels not in queued; each
// that queues the report is added to it.
func (f *Fanout) SendReportSkipping(ctx context.Context, r Report, queued map[string]bool) error {
	return f.each("", func(c Channel) error {
		s, ok := c.Reviewer.(ReportSender)
		if !ok || queued[c.Name] {
			return nil
		}
		if err := s.SendReport(ctx, r); err != nil {
			return err
		}
		queued[c.Name] = true
		return nil
	})
}

var (
	_ ReportSender  = (*Reviewer)(nil)
	_ ReportSender  = (*Fanout)(nil)
	_ ReportRetrier = (*Fanout)(nil)
)
