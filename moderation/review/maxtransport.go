package review

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// maxTransport is the reviewer's transport over the MAX bot API
// (docs/platform-apis.md §6), through connectors/max/maxapi: cards are
// messages with an inline_keyboard attachment, a press is a
// message_callback update answered with POST /answers, edits replace the
// whole message, and /updates is long-polled with its marker.
type maxTransport struct {
	c  *maxapi.Client
	tm *Timing
	// polled: a poll has answered, so its marker (0 included) is passed
	// on every later one; only the pollLoop's goroutine uses it.
	polled bool
}

// maxReviewRPS is the client's own cap on requests per second: MAX allows
// 30 per token (§6.1); the outbox pacing below keeps the messages under it.
const maxReviewRPS = 25

func newMAXTransport(cfg MAXConfig, token string, hc *http.Client, tm *Timing) (*maxTransport, error) {
	c, err := maxapi.New(cfg.APIURL, token, maxapi.Options{HTTPClient: hc, RPS: maxReviewRPS, Timeout: tm.CallTimeout})
	if err != nil {
		return nil, err
	}
	return &maxTransport{c: c, tm: tm}, nil
}

func (tr *maxTransport) channel() string { return ChannelMAX }

// MAX allows 4000 characters of text; its documented limit is 30 requests
// a second per token, with no per-chat message limit published, so the
// outbox keeps to five messages a second (a card per 200 ms is more than
// moderators read) and leaves the rest to polls, answers and edits.
var maxLimits = limits{maxVisible: 3800, perWindow: 300, window: time.Minute, minGap: 200 * time.Millisecond}

func (tr *maxTransport) limits() limits { return maxLimits }

// maxText adapts the reviewer's HTML to MAX's html format, which knows
// b, i, u, s, code, pre and a (blockquote is not documented: the quote is
// marked with guillemets instead). Inside a blockquote there is only
// escaped text, so the replacement cannot break a tag.
func maxText(m outMsg) maxapi.NewMessage {
	nm := maxapi.NewMessage{Text: m.text, Attachments: []maxapi.Attachment{}}
	if m.html {
		nm.Format = "html"
		nm.Text = strings.NewReplacer("<blockquote>", "«", "</blockquote>", "»").Replace(m.text)
	}
	if m.kb != nil && len(m.kb.InlineKeyboard) > 0 {
		rows := make([][]maxapi.Button, len(m.kb.InlineKeyboard))
		for i, row := range m.kb.InlineKeyboard {
			rows[i] = make([]maxapi.Button, len(row))
			for j, b := range row {
				rows[i][j] = maxapi.Button{Type: "callback", Text: b.Text, Payload: b.Data}
			}
		}
		nm.Attachments = []maxapi.Attachment{maxapi.Keyboard(rows)}
	}
	if m.replyTo != "" {
		nm.Link = &maxapi.NewLink{Type: "reply", Mid: m.replyTo}
	}
	return nm
}

func (tr *maxTransport) send(ctx context.Context, chatID int64, m outMsg) (string, error) {
	msg, err := tr.c.Send(ctx, chatID, maxText(m))
	if err != nil {
		return "", err
	}
	if msg.Body.Mid == "" {
		return "", &maxapi.Error{Op: "POST /messages", Status: http.StatusOK, Class: maxapi.ClassTransient,
			Message: "answer without a message id"}
	}
	return msg.Body.Mid, nil
}

func (tr *maxTransport) edit(ctx context.Context, _ int64, msgID string, m outMsg) error {
	return tr.c.Edit(ctx, msgID, maxText(m))
}

// editKeyboard: MAX edits whole messages (an edit without attachments
// drops the keyboard), so the text goes with the buttons.
func (tr *maxTransport) editKeyboard(ctx context.Context, chatID int64, msgID string, m outMsg) error {
	return tr.edit(ctx, chatID, msgID, m)
}

func (tr *maxTransport) answer(ctx context.Context, id, text string, _ bool) error {
	return tr.c.AnswerCallback(ctx, id, maxapi.Answer{Notification: text})
}

// setCommands: MAX's command menu belongs to the bot (PATCH /me), not to a
// chat; /help lists the commands, so nothing is registered.
func (tr *maxTransport) setCommands(context.Context, int64, []command) error { return nil }

// link: MAX has no documented link to a message of a group chat.
func (tr *maxTransport) link(int64, string) string { return "" }

// updates long-polls /updates. The marker confirms the whole batch, so
// only the batch's last update carries it: it is saved after every update
// of the batch was handled (at-least-once; a restart repeats at most the
// batch, and handling is idempotent). Without a marker MAX gives only
// what arrives from now on, and a press between two such polls would be
// lost: so a first start without a saved marker asks at once (timeout 0)
// for the current marker and long-polls with it from then on.
func (tr *maxTransport) updates(ctx context.Context, offset int64) ([]update, int64, error) {
	req := maxapi.UpdatesRequest{Timeout: min(max(tr.tm.PollTimeout, time.Second), 90*time.Second),
		Types: []string{maxapi.UpdateMessageCreated, maxapi.UpdateMessageCallback}}
	switch {
	case offset > 0 || tr.polled:
		req.Marker = &offset
	default:
		req.Timeout = 0
	}
	ups, next, err := tr.c.Updates(ctx, req)
	if err != nil {
		return nil, offset, err
	}
	tr.polled = true
	out := make([]update, 0, len(ups))
	for i := range ups {
		if u, ok := maxUpdate(&ups[i]); ok {
			out = append(out, u)
		}
	}
	if next <= 0 {
		next = offset
	}
	if len(out) > 0 {
		out[len(out)-1].offset = next
	} else if len(ups) > 0 {
		// Nothing for the reviewer in the batch: the marker still moves.
		out = append(out, update{offset: next})
	}
	return out, next, nil
}

// maxUpdate is a MAX update in the reviewer's terms.
func maxUpdate(u *maxapi.Update) (update, bool) {
	switch {
	case u.Type == maxapi.UpdateMessageCallback && u.Callback != nil:
		cb := u.Callback
		tp := &tap{id: cb.CallbackID, user: maxUser(cb.User), data: cb.Payload}
		if u.Message != nil {
			// A press whose message MAX did not send has no chat: it is
			// answered as one from another chat, nothing is decided.
			tp.chatID = u.Message.Recipient.ChatID
		}
		return update{tap: tp}, true
	case u.Type == maxapi.UpdateMessageCreated && u.Message != nil:
		m := u.Message
		in := &incoming{chatID: m.Recipient.ChatID, id: m.Body.Mid, text: m.Body.Text}
		if l := m.Link; l != nil && l.Type == "reply" && l.Message != nil {
			// A reply carries the replied message in link (platform-apis
			// §6.2): how a moderator's answer finds its appeal card.
			in.replyTo = l.Message.Mid
		}
		if m.Sender != nil && !m.Sender.IsBot {
			usr := maxUser(*m.Sender)
			in.from = &usr
		}
		return update{msg: in}, true
	}
	return update{}, false
}

func maxUser(u maxapi.User) user {
	name := strings.TrimSpace(u.DisplayName())
	switch {
	case name != "":
	case u.Username != "":
		name = "@" + u.Username
	default:
		name = "MAX " + strconv.FormatInt(u.UserID, 10)
	}
	return user{id: u.UserID, name: name}
}

func (tr *maxTransport) failure(err error) failure {
	var e *maxapi.Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.DeadlineExceeded) {
			return failure{class: ClassNetwork}
		}
		return failure{class: ClassServer}
	}
	f := failure{}
	sending := strings.HasPrefix(e.Op, "POST /messages")
	switch e.Class {
	case maxapi.ClassRateLimit:
		f.class, f.retryAfter = ClassRateLimit, e.RetryAfter
	case maxapi.ClassCredentials:
		f.class = ClassUnauthorized
		if e.Status == http.StatusForbidden {
			f.class = ClassForbidden // the bot is not (or no longer) an admin of the chat
		}
	case maxapi.ClassNotFound:
		if sending {
			// The chat is wrong or gone: a human must fix review.max.chat_id;
			// the cards wait in the outbox meanwhile.
			f.class = ClassChatNotFound
		} else {
			f.class, f.drop = ClassBadRequest, true // the message to edit is gone
		}
	case maxapi.ClassItem:
		// 400, 405, success:false: this message was refused; the plain
		// form may pass where the formatted one did not.
		f.class, f.drop, f.refused = ClassBadRequest, true, true
	default:
		f.class = ClassServer
		if e.Status == 0 {
			f.class = ClassNetwork
		}
	}
	return f
}
