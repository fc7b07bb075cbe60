package main

import (
	"fmt"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/store"
)

// appealOptions turns appeals.* into the pipeline's (a nil store: off).
func appealOptions(cfg *config.Config, db *store.DB) pipeline.AppealOptions {
	if !cfg.Appeals.Enabled {
		return pipeline.AppealOptions{}
	}
	return pipeline.AppealOptions{Store: db, AnswerWithin: cfg.Appeals.AnswerWithin, RemindBefore: cfg.Appeals.RemindBefore}
}

// setupAppealDesk puts the «Обращение» cards on the reviewer's bot, in
// appeals.chat (else the review chat): the Telegram one, else the MAX one;
// nil without a review chat or appeals.
func (d *daemon) setupAppealDesk(cfg *config.Config) (*review.AppealDesk, error) {
	rv := d.tg
	if rv == nil {
		rv = d.mx // appeals.chat needs Telegram (config): here the MAX review chat
	}
	if !cfg.Appeals.Enabled || rv == nil {
		return nil, nil
	}
	desk, err := review.NewAppealDesk(cfg.Appeals.Chat, d.pipe, d.db)
	if err != nil {
		return nil, fmt.Errorf("appeals: %w", err)
	}
	rv.AttachAppeals(desk)
	d.pipe.SetAppealDesk(desk)
	return desk, nil
}

// The pipeline answers appeals for the desk.
var _ review.AppealModeration = (*pipeline.Pipeline)(nil)
var _ pipeline.AppealDesk = (*review.AppealDesk)(nil)
