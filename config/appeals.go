package config

import (
	"time"

	"github.com/strazh/strazh/duration"
)

// Appeals configures the tracking of citizens' appeals (keys appeals.*):
// a comment the appeals rule pack tags is recorded, shown as an
// «Обращение» card and counted against its deadline.
type Appeals struct {
	// Enabled records and counts appeals (they need a rule pack that tags
	// the label appeal).
	Enabled bool `yaml:"enabled"`
	// Chat is the Telegram chat ID the «Обращение» cards go to; 0: the
	// review chat (telegram.chat_id). Cards need the telegram section.
	Chat int64 `yaml:"chat"`
	// AnswerWithin is the deadline of the page's answer after the comment.
	AnswerWithin time.Duration `yaml:"answer_within"`
	// RemindBefore: the chat is reminded this long before the deadline.
	RemindBefore time.Duration `yaml:"remind_before"`
}

// DefaultAppeals: tracked, answered within 24 h, reminded 2 h before.
func DefaultAppeals() Appeals {
	return Appeals{Enabled: true, AnswerWithin: 24 * time.Hour, RemindBefore: 2 * time.Hour}
}

// checkAppeals is Appeals' part of Config.validate.
func (c *Config) checkAppeals(bad func(at int, key, format string, args ...any)) {
	a := c.Appeals
	deadline := a.AnswerWithin >= time.Hour && a.AnswerWithin <= 30*24*time.Hour
	if !deadline {
		bad(0, "appeals.answer_within", "%s: want between 1h and 30d", duration.Format(a.AnswerWithin))
	}
	// Against a bad deadline the reminder is not judged: it would be
	// blamed for the deadline's fault.
	if a.RemindBefore <= 0 || deadline && a.RemindBefore >= a.AnswerWithin {
		bad(0, "appeals.remind_before", "%s: want more than 0 and less than appeals.answer_within (%s)",
			duration.Format(a.RemindBefore), duration.Format(a.AnswerWithin))
	}
	if a.Chat != 0 && c.Telegram == nil {
		bad(0, "appeals.chat", "cards go to a Telegram chat: configure the telegram review channel too, or leave appeals.chat out")
	}
}
