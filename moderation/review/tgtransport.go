package review

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/internal/tgupdate"
)

// tgTransport is the reviewer's transport over the Telegram Bot API:
// go-telegram/bot for the calls strazh makes (sendMessage,
// editMessageText, editMessageReplyMarkup, answerCallbackQuery,
// setMyCommands), getUpdates done here (see why below).
type tgTransport struct {
	bot    *bot.Bot
	client *http.Client
	apiURL string
	token  string
	tm     *Timing
	log    *slog.Logger
}

func newTGTransport(cfg Config, token string, client *http.Client, tm *Timing, log *slog.Logger) (*tgTransport, error) {
	tr := &tgTransport{client: client, apiURL: trimSlash(cfg.APIURL), token: token, tm: tm, log: log}
	// bot.New with WithSkipGetMe does no I/O.
	b, err := bot.New(token,
		bot.WithServerURL(tr.apiURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(tm.PollTimeout, client),
		bot.WithErrorsHandler(func(err error) { log.Debug("bot library", "err", err) }),
	)
	if err != nil {
		return nil, err
	}
	tr.bot = b
	return tr, nil
}

func (tr *tgTransport) channel() string { return ChannelTelegram }

// forcesReply: Telegram's force_reply opens the reply field at once.
func (tr *tgTransport) forcesReply() bool { return true }

// Telegram allows 4096 UTF-16 units per message, 20 messages a minute to a
// group and about one a second.
var tgLimits = limits{maxVisible: 3900, perWindow: 18, window: time.Minute, minGap: time.Second}

func (tr *tgTransport) limits() limits { return tgLimits }

// markup converts a possibly nil keyboard into the library's interface
// without a typed nil inside.
func markup(kb *keyboard) models.ReplyMarkup {
	if kb == nil {
		return nil
	}
	rows := make([][]models.InlineKeyboardButton, len(kb.InlineKeyboard))
	for i, row := range kb.InlineKeyboard {
		rows[i] = make([]models.InlineKeyboardButton, len(row))
		for j, b := range row {
			rows[i][j] = models.InlineKeyboardButton{Text: b.Text, CallbackData: b.Data}
		}
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

var noPreview = &models.LinkPreviewOptions{IsDisabled: bot.True()}

func parseMode(html bool) models.ParseMode {
	if html {
		return models.ParseModeHTML
	}
	return ""
}

func tgMsgID(id string) int {
	n, _ := strconv.Atoi(id)
	return n
}

func (tr *tgTransport) send(ctx context.Context, chatID int64, m outMsg) (string, error) {
	params := &bot.SendMessageParams{ChatID: chatID, Text: m.text, ParseMode: parseMode(m.html),
		LinkPreviewOptions: noPreview, ReplyMarkup: markup(m.kb)}
	if m.replyTo != "" {
		params.ReplyParameters = &models.ReplyParameters{MessageID: tgMsgID(m.replyTo), AllowSendingWithoutReply: true}
	}
	if m.forceReply && m.kb == nil {
		params.ReplyMarkup = &models.ForceReply{ForceReply: true}
	}
	msg, err := tr.bot.SendMessage(ctx, params)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(msg.ID), nil
}

// sendDocument uploads data as the file name (multipart sendDocument)
// with an HTML caption.
func (tr *tgTransport) sendDocument(ctx context.Context, chatID int64, name string, data []byte, caption string) (string, error) {
	msg, err := tr.bot.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID,
		Document: &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)},
		Caption:  caption, ParseMode: models.ParseModeHTML})
	if err != nil {
		return "", err
	}
	return strconv.Itoa(msg.ID), nil
}

func (tr *tgTransport) edit(ctx context.Context, chatID int64, msgID string, m outMsg) error {
	_, err := tr.bot.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chatID, MessageID: tgMsgID(msgID),
		Text: m.text, ParseMode: parseMode(m.html), LinkPreviewOptions: noPreview, ReplyMarkup: markup(m.kb)})
	return err
}

func (tr *tgTransport) editKeyboard(ctx context.Context, chatID int64, msgID string, m outMsg) error {
	_, err := tr.bot.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chatID,
		MessageID: tgMsgID(msgID), ReplyMarkup: markup(m.kb)})
	return err
}

func (tr *tgTransport) answer(ctx context.Context, id, text string, alert bool) error {
	_, err := tr.bot.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{
		CallbackQueryID: id, Text: text, ShowAlert: alert})
	return err
}

func (tr *tgTransport) setCommands(ctx context.Context, chatID int64, cmds []command) error {
	list := make([]models.BotCommand, len(cmds))
	for i, c := range cmds {
		list[i] = models.BotCommand{Command: c.name, Description: c.desc}
	}
	_, err := tr.bot.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: list,
		Scope: &models.BotCommandScopeChat{ChatID: chatID}})
	if err != nil {
		return fmt.Errorf("setMyCommands: %w", err)
	}
	return nil
}

// link links to a message of a supergroup (chat ID -100…).
func (tr *tgTransport) link(chatID int64, msgID string) string { return messageLink(chatID, msgID) }

func messageLink(chatID int64, msgID string) string {
	s := strconv.FormatInt(chatID, 10)
	if msgID == "" || msgID == "0" || !strings.HasPrefix(s, "-100") {
		return ""
	}
	return fmt.Sprintf("https://t.me/c/%s/%s", s[4:], msgID)
}

func (tr *tgTransport) failure(err error) failure {
	f := failure{class: errorClass(err), notModified: notModified(err), refused: refused(err)}
	var tooMany *bot.TooManyRequestsError
	var ae *apiError
	switch {
	case errors.As(err, &tooMany):
		// Telegram's retry_after is an instruction, not a guess.
		f.retryAfter = time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
	case errors.As(err, &ae) && ae.RetryAfter > 0:
		f.retryAfter = ae.RetryAfter
	}
	// A missing chat, a revoked right or a bad token are retried (a human
	// must fix the configuration; the cards wait in the outbox meanwhile).
	f.drop = errors.Is(err, bot.ErrorBadRequest) && !strings.Contains(err.Error(), "chat not found")
	return f
}

func notModified(err error) bool {
	return err != nil && strings.Contains(err.Error(), "message is not modified")
}

// refused reports whether Telegram refused a message for its content (a
// 400 that is not about the chat or the message being gone), the case the
// plain form is for.
func refused(err error) bool {
	if !errors.Is(err, bot.ErrorBadRequest) {
		return false
	}
	s := err.Error()
	for _, other := range []string{"chat not found", "message is not modified", "message to edit not found",
		"message can't be edited", "message to reply not found",
		// about the bot's rights in the chat, not the text: a plain form
		// would be refused alike and the card must wait, not be dropped
		"not enough rights", "have no rights", "bot was kicked", "bot is not a member",
		"CHAT_WRITE_FORBIDDEN", "CHAT_RESTRICTED", "group chat was upgraded"} {
		if strings.Contains(s, other) {
			return false
		}
	}
	return true
}

// errorClass sorts a Bot API call's error for the metrics.
func errorClass(err error) string {
	var tooMany *bot.TooManyRequestsError
	var ae *apiError
	var ne net.Error
	if errors.As(err, &ae) {
		switch {
		case ae.Code == 429:
			return ClassRateLimit
		case ae.Code == 401 || ae.Code == 404:
			return ClassUnauthorized
		case ae.Code == 403:
			return ClassForbidden
		case ae.Code == 409:
			return ClassConflict
		case ae.Code == 400 && strings.Contains(ae.Description, "chat not found"):
			return ClassChatNotFound
		case ae.Code == 400:
			return ClassBadRequest
		}
		return ClassServer
	}
	switch {
	case errors.As(err, &tooMany) || errors.Is(err, bot.ErrorTooManyRequests):
		return ClassRateLimit
	case errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound):
		return ClassUnauthorized
	case errors.Is(err, bot.ErrorForbidden):
		return ClassForbidden
	case errors.Is(err, bot.ErrorConflict):
		return ClassConflict
	case errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "chat not found"):
		return ClassChatNotFound
	case errors.Is(err, bot.ErrorBadRequest):
		return ClassBadRequest
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne):
		return ClassNetwork
	}
	return ClassServer
}

// Why getUpdates is not done by go-telegram/bot's Start: the library stores
// update_id before the handlers run and asks for the next batch at once, so
// Telegram drops an update as confirmed while strazh may still be handling
// it (at-most-once; WithNotAsyncHandlers does not change that, the poller
// runs ahead of the worker). A tap made just before a crash would be lost.
// The library has no exported getUpdates, so getUpdates makes that one
// call itself (same HTTP client, same server URL); the reviewer handles each
// update synchronously and saves the offset only after the update was
// handled, together with what the handler queued, and the next getUpdates
// confirms it. Delivery is at-least-once; handling is idempotent (a
// repeated tap finds the decision already made and only refreshes the
// card).

// apiError is a Bot API error answer.
type apiError struct {
	Code        int
	Description string
	RetryAfter  time.Duration
}

func (e *apiError) Error() string {
	return fmt.Sprintf("telegram: %d %s", e.Code, e.Description)
}

func (tr *tgTransport) updates(ctx context.Context, offset int64) ([]update, int64, error) {
	ups, err := tr.getUpdates(ctx, offset)
	if err != nil {
		return nil, offset, err
	}
	// An update below the offset just sent is one of a new sequence:
	// Telegram picks the next id at random after a week without updates,
	// and that offset confirmed every older one. Skipped, it came back at
	// once on every poll and no tap was read again (go-telegram-bot-api
	// issue 156 shows the real API doing this).
	sent, out := offset, make([]update, 0, len(ups))
	for _, u := range ups {
		if u == nil {
			continue
		}
		if u.ID < sent && sent > 0 {
			tr.log.Warn("Telegram restarted its update ids (after a week without updates): reading on from the new ones", "offset", sent, "next", u.ID)
			sent = 0
		}
		out = append(out, tgUpdate(u))
		offset = u.ID + 1
	}
	return out, offset, nil
}

// tgUpdate is a Telegram update in the reviewer's terms.
func tgUpdate(u *models.Update) update {
	out := update{offset: u.ID + 1}
	switch {
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		tp := &tap{id: q.ID, user: tgUser(q.From), data: q.Data}
		switch {
		case q.Message.Message != nil:
			tp.chatID = q.Message.Message.Chat.ID
		case q.Message.InaccessibleMessage != nil:
			tp.chatID = q.Message.InaccessibleMessage.Chat.ID
		}
		out.tap = tp
	case u.Message != nil:
		m := u.Message
		in := &incoming{chatID: m.Chat.ID, id: strconv.Itoa(m.ID), text: m.Text}
		if m.ReplyToMessage != nil {
			in.replyTo = strconv.Itoa(m.ReplyToMessage.ID)
		}
		if m.From != nil {
			u := tgUser(*m.From)
			in.from = &u
		}
		out.msg = in
	}
	return out
}

// tgUser is a Telegram user with its display name.
func tgUser(u models.User) user {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	switch {
	case name != "":
	case u.Username != "":
		name = "@" + u.Username
	default:
		name = strconv.FormatInt(u.ID, 10)
	}
	return user{id: u.ID, name: name}
}

// getUpdates long-polls for updates from offset.
func (tr *tgTransport) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	secs := max(int(tr.tm.PollTimeout/time.Second), 1)
	ctx, cancel := context.WithTimeout(ctx, time.Duration(secs)*time.Second+tr.tm.CallTimeout)
	defer cancel()
	form := url.Values{
		"timeout":         {strconv.Itoa(secs)},
		"allowed_updates": {`["message","callback_query"]`},
	}
	if offset > 0 {
		form.Set("offset", strconv.FormatInt(offset, 10))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		tr.apiURL+"/bot"+tr.token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := tr.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the token
		}
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	return decodeUpdates(resp.StatusCode, body, tr.log)
}

// decodeUpdates reads a getUpdates answer, one update at a time: one the
// library's models cannot read (a union type newer than go-telegram/bot)
// must not fail the whole answer, or every button press and command
// waits until Telegram drops that update a day later (internal/tgupdate).
func decodeUpdates(status int, body []byte, log *slog.Logger) ([]*models.Update, error) {
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("getUpdates: HTTP %d: %w", status, err)
	}
	if !r.OK {
		return nil, &apiError{Code: r.ErrorCode, Description: r.Description,
			RetryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
	}
	return tgupdate.ReadAll(r.Result, log), nil
}
