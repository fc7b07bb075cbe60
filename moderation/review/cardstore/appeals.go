package cardstore

import "time"

// AppealCard is the «Обращение» card of one appeal and the work it still
// has to do (the appeal desk, moderation/review/appeals.go): it is sent,
// edited when the appeal changes, and carries an answer written in the
// chat until it is posted on the network.
type AppealCard struct {
	DecisionID uint64 `json:"decision_id"` // the appeal's
	ChatID     int64  `json:"chat_id"`
	Msg        string `json:"msg,omitempty"` // the card's message ID, "" until sent ("-": given up)
	// Rev is bumped by every change the card must show; Shown is the
	// revision in the chat.
	Rev   int `json:"rev"`
	Shown int `json:"shown"`
	// Remind: a reminder of the deadline is to be sent (a reply to the
	// card). Prompt: a moderator tapped «Ответить», the prompt (a forced
	// reply) is to be sent. Prompts are the prompts sent: a reply to one
	// of them, or to the card, is the answer.
	Remind  bool     `json:"remind,omitempty"`
	Prompt  bool     `json:"prompt,omitempty"`
	Prompts []string `json:"prompts,omitempty"`
	// Reply is an answer written in the chat, waiting to be posted.
	Reply *AppealReply `json:"reply,omitempty"`
	// Answer is the text posted from the chat, for the edited card; Failed
	// why the last answer could not be posted (FailNotice: say so in the
	// chat once).
	Answer     string `json:"answer,omitempty"`
	AnswerName string `json:"answer_name,omitempty"`
	Failed     string `json:"failed,omitempty"`
	FailNotice bool   `json:"fail_notice,omitempty"`
	// Step "close": a moderator tapped «Закрыть», the card shows the
	// second step («Ответили вне соцсети», «Не обращение», «« Назад»).
	Step string `json:"step,omitempty"`
	// CloserBy and CloserName: the moderator tapping a way to close it,
	// saved before the closing, so the card names them when the appeal's
	// ClosedBy is theirs.
	CloserBy   string `json:"closer_by,omitempty"`
	CloserName string `json:"closer_name,omitempty"`
}

// AppealReply is a moderator's answer to post as the page.
type AppealReply struct {
	Text     string    `json:"text"`
	By       string    `json:"by"` // "telegram:77"
	Name     string    `json:"name,omitempty"`
	At       time.Time `json:"at"`
	Attempts int       `json:"attempts,omitempty"`
	Next     time.Time `json:"next,omitzero"` // not before (back-off)
}

// Todo reports whether the card has work left.
func (c *AppealCard) Todo() bool {
	return c.Msg == "" || c.Shown < c.Rev || c.Remind || c.Prompt || c.Reply != nil || c.FailNotice
}

// AppealCards keeps the appeal cards (*store.DB implements it).
type AppealCards interface {
	// AppealCard returns the card of an appeal (moderation.ErrNotFound).
	AppealCard(id uint64) (*AppealCard, error)
	// PutAppealCard writes a card; the work list follows Todo, and its
	// message and prompts are indexed for AppealCardByMessage. It never
	// lowers the stored Rev (raising c.Rev instead): an edit queued since
	// c was read stays queued.
	PutAppealCard(c *AppealCard) error
	// AppealCardsTodo lists the cards with work left, oldest appeal first.
	AppealCardsTodo() ([]*AppealCard, error)
	// AppealCardByMessage finds the card whose message or prompt is
	// msgID in chatID (moderation.ErrNotFound).
	AppealCardByMessage(chatID int64, msgID string) (*AppealCard, error)
}
