package review

import (
	"context"
	"time"
)

// transport is the seam between the reviewer's one logic (cards, outbox,
// pacing, taps, commands, authorisation, timers) and a messenger's bot API.
// Telegram (tgtransport.go) and MAX (maxtransport.go) implement it; the
// reviewer never calls a messenger otherwise. Message IDs are strings
// (Telegram's numbers, MAX's "mid.…"); chat and user IDs are numbers in
// both.
type transport interface {
	// channel is the channel's label: ChannelTelegram, ChannelMAX.
	channel() string
	// send posts m to the chat and returns the message's ID.
	send(ctx context.Context, chatID int64, m outMsg) (string, error)
	// edit replaces a message's text and buttons.
	edit(ctx context.Context, chatID int64, msgID string, m outMsg) error
	// editKeyboard switches only a message's buttons where the messenger
	// can (Telegram); m carries the text for one that edits whole messages.
	editKeyboard(ctx context.Context, chatID int64, msgID string, m outMsg) error
	// answer answers a button press (every press, or a spinner runs).
	answer(ctx context.Context, tapID, text string, alert bool) error
	// setCommands registers the command menu (a no-op where there is none).
	setCommands(ctx context.Context, chatID int64, cmds []command) error
	// updates long-polls from offset (the value saved last, 0: none). It
	// returns the updates and where the next poll starts; each update's
	// offset is what to save once it is handled (0: nothing yet, for all
	// but the last of a MAX batch, whose marker confirms the whole batch).
	updates(ctx context.Context, offset int64) ([]update, int64, error)
	// link is a link to a message for lists and reminders ("": none).
	link(chatID int64, msgID string) string
	// failure says what an error of this transport's calls means.
	failure(err error) failure
	// limits are the messenger's message and pacing limits.
	limits() limits
}

// docSender is a transport that can upload a file to a chat (Telegram's
// sendDocument). MAX's upload API is not documented in our platform notes
// (platform-apis §6), so the MAX transport has none and the scheduled
// report goes there as its summary only.
type docSender interface {
	sendDocument(ctx context.Context, chatID int64, name string, data []byte, caption string) (string, error)
}

// forceReplier is a transport whose messenger can ask the client to
// answer a message (Telegram's force_reply). MAX has no such markup: there
// the appeal card itself says to answer it by replying to it.
type forceReplier interface{ forcesReply() bool }

// forcesReply reports whether the reviewer's messenger can ask for a reply.
func (t *Reviewer) forcesReply() bool {
	f, ok := t.tr.(forceReplier)
	return ok && f.forcesReply()
}

// outMsg is a message to send or an edit: HTML text (or plain when !html),
// buttons and the message it replies to.
type outMsg struct {
	text    string
	html    bool
	kb      *keyboard
	replyTo string
	// forceReply asks the client to answer this message (the appeal desk's
	// prompt, appeals.go); ignored with kb or where there is none.
	forceReply bool
}

// keyboard is an inline keyboard; each button carries callback data
// "<card key>.<index>.<code>" (parseData).
type keyboard struct {
	InlineKeyboard [][]button
}

// button is one inline button.
type button struct {
	Text string
	Data string
}

// command is one entry of the command menu.
type command struct{ name, desc string }

// update is a press or a message from the messenger, in the reviewer's
// terms.
type update struct {
	offset int64 // saved once handled; 0: nothing to save
	tap    *tap
	msg    *incoming
}

// tap is a button press.
type tap struct {
	id     string // answered with transport.answer
	chatID int64  // the chat of the pressed message (0: unknown)
	user   user
	data   string
}

// incoming is a text message sent to a chat the bot is in.
type incoming struct {
	chatID int64
	id     string
	from   *user // nil: a channel post or a service message
	text   string
	// replyTo is the message this one replies to ("": none).
	replyTo string
}

// user is a messenger's user.
type user struct {
	id   int64
	name string // display name
}

// failure is what a failed call means to the reviewer.
type failure struct {
	class       string        // ClassRateLimit, ClassNetwork, …: the metric label
	retryAfter  time.Duration // the messenger's instruction to wait (0: none)
	drop        bool          // retrying cannot help: the outbox entry is removed
	refused     bool          // refused for its content: the plain form may pass
	notModified bool          // an edit to the same content: done already
}

// limits are a messenger's limits.
type limits struct {
	// maxVisible is what a message may show after formatting, counted as
	// the messenger counts (Telegram: UTF-16 units of 4096).
	maxVisible int
	// perWindow messages per window, and at least minGap between two, to
	// the review chat: the defaults of Timing.PerMinute, Window, MinGap.
	perWindow int
	window    time.Duration
	minGap    time.Duration
}
