package review

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// appealTexts are the appeal desk's words (Russian first).
type appealTexts struct {
	title, topic, deadline, text, answer, link      string
	edited                                          string // after «Текст»: the citizen edited the comment
	waiting, overdue, posting, byHand, answered     string
	onTime, late, failed, deleted, already          string
	btnReply                                        string // a contract: «Ответить» (English: Reply)
	btnClose, btnElsewhere, btnNotAppeal, btnBack   string // contracts: «Закрыть», «Ответили вне соцсети», «Не обращение», «« Назад»
	closedElsewhere, closedNotAppeal, ansClosed     string
	closedExpired                                   string
	ansChooseClose, ansBack, ansDoneElsewhere       string
	ansDoneNotAppeal                                string
	prompt, remind, failNotice, noRights, notOpen   string
	replyHint, ansReplyCard                         string // where a reply cannot be forced (MAX)
	ansPrompt, ansAnswered, ansCannot, ansNoRights  string
	gotReply, emptyReply, byPage, byManager, byName string
	topics                                          map[string]string
	statsLine                                       string
}

var appealRU = &appealTexts{
	title: "📨 Обращение", topic: "Тема", deadline: "Ответить до", text: "Текст", answer: "Ответ", link: "Открыть",
	edited:  "изменён автором %s",
	waiting: "⏳ Ждёт ответа страницы", overdue: "🔴 Срок ответа прошёл", posting: "⏳ Публикуется ответ — %s",
	byHand:   "✋ Эта сеть не даёт ответить из strazh: ответьте на странице вручную",
	answered: "✅ Отвечено — %s, %s (%s)", onTime: "в срок", late: "с опозданием",
	failed:   "⚠️ Ответ не опубликован: %s. Ответьте ещё раз или вручную на странице.",
	deleted:  "🗑 Комментарий удалён (нарушение), обращение учтено",
	already:  "на обращение уже ответили (%s)",
	btnReply: "Ответить",
	btnClose: "Закрыть", btnElsewhere: "Ответили вне соцсети", btnNotAppeal: "Не обращение", btnBack: "« Назад",
	closedElsewhere:  "✅ Отвечено вне соцсети — %s, %s (%s)",
	closedNotAppeal:  "🚫 Не обращение — %s, %s. Не входит в учёт обращений.",
	closedExpired:    "⌛ Осталось без ответа — закрыто автоматически %s: срок учёта обращений истёк. Считается неотвеченным в срок.",
	ansClosed:        "Уже закрыто: %s",
	ansChooseClose:   "Как закрыть обращение?",
	ansBack:          "Назад",
	ansDoneElsewhere: "Закрыто: ответили вне соцсети",
	ansDoneNotAppeal: "Закрыто: не обращение",
	prompt:           "✍️ Ответ на обращение #%d (%s): напишите текст ответом на это сообщение — он будет опубликован от имени страницы.",
	remind:           "⏰ До срока ответа на обращение #%d осталось %s.",
	failNotice:       "⚠️ Ответ на обращение #%d не опубликован: %s. Ответьте ещё раз или вручную на странице.",
	noRights:         "Нет прав: отвечать могут только модераторы.",
	notOpen:          "На обращение #%d уже ответили: %s.",
	ansPrompt:        "Напишите ответ ответом на сообщение бота",
	replyHint:        "✍️ Чтобы ответить, ответьте на это сообщение (или на сообщение бота после «Ответить»): текст будет опубликован от имени страницы.",
	ansReplyCard:     "Ответьте на карточку обращения или на сообщение бота",
	ansAnswered:      "Уже отвечено", ansCannot: "Эта сеть не даёт ответить из strazh", ansNoRights: "Нет прав",
	gotReply: "Ответ на обращение #%d принят, публикуется.", emptyReply: "Пустой ответ не публикуется: напишите текст.",
	byPage: "страница", byManager: "менеджер %s", byName: "%s",
	topics: map[string]string{"roads": "дороги", "water": "вода", "heating": "отопление", "rubbish": "мусор",
		"transport": "транспорт", "lighting": "освещение", "snow": "снег", "schools": "школы", "clinics": "поликлиники",
		"housing": "управляющие компании", "other": "другое"},
	statsLine: "Обращения за 7 дней: %d, отвечено %d, в срок %s, ждут %d (просрочено %d)",
}

var appealEN = &appealTexts{
	title: "📨 Appeal", topic: "Topic", deadline: "Answer by", text: "Text", answer: "Answer", link: "Open",
	edited:  "edited by the author %s",
	waiting: "⏳ Waiting for the page's answer", overdue: "🔴 Past the deadline", posting: "⏳ Posting the answer — %s",
	byHand:   "✋ This network cannot be answered from strazh: answer on the page by hand",
	answered: "✅ Answered — %s, %s (%s)", onTime: "on time", late: "late",
	failed:   "⚠️ The answer was not posted: %s. Answer again or by hand on the page.",
	deleted:  "🗑 The comment was deleted (a violation); the appeal is counted",
	already:  "the appeal was answered already (%s)",
	btnReply: "Reply", // «Ответить» in English; the callback (ap.<id>.r) is the same
	btnClose: "Close", btnElsewhere: "Answered elsewhere", btnNotAppeal: "Not an appeal", btnBack: "« Back",
	closedElsewhere:  "✅ Answered elsewhere — %s, %s (%s)",
	closedNotAppeal:  "🚫 Not an appeal — %s, %s. Out of the appeal counts.",
	closedExpired:    "⌛ Never answered — closed automatically %s: past the appeals' history horizon. Counted as not answered in time.",
	ansClosed:        "Closed already: %s",
	ansChooseClose:   "How to close the appeal?",
	ansBack:          "Back",
	ansDoneElsewhere: "Closed: answered elsewhere",
	ansDoneNotAppeal: "Closed: not an appeal",
	prompt:           "✍️ Answer to appeal #%d (%s): write it as a reply to this message — it is posted as the page.",
	remind:           "⏰ %[2]s left to answer appeal #%[1]d.",
	failNotice:       "⚠️ The answer to appeal #%d was not posted: %s. Answer again or by hand on the page.",
	noRights:         "No rights: only moderators may answer.",
	notOpen:          "Appeal #%d is answered already: %s.",
	ansPrompt:        "Write the answer as a reply to the bot's message",
	replyHint:        "✍️ To answer, reply to this message (or to the bot's message after Reply): the text is posted as the page.",
	ansReplyCard:     "Reply to the appeal card or to the bot's message",
	ansAnswered:      "Answered already", ansCannot: "This network cannot be answered from strazh", ansNoRights: "No rights",
	gotReply: "The answer to appeal #%d is taken and being posted.", emptyReply: "An empty answer is not posted: write a text.",
	byPage: "the page", byManager: "manager %s", byName: "%s",
	topics:    map[string]string{},
	statsLine: "Appeals in 7 days: %d, answered %d, on time %s, waiting %d (overdue %d)",
}

func (t *Reviewer) appealTx() *appealTexts {
	if t.tx == en {
		return appealEN
	}
	return appealRU
}

func (x *appealTexts) topicName(topic string) string {
	if s, ok := x.topics[topic]; ok {
		return s
	}
	return topic
}

// answeredBy names who answered or closed: the page, a manager, a
// moderator.
func (x *appealTexts) answeredBy(a *moderation.Appeal, c *cardstore.AppealCard) string {
	switch {
	case a.Closed != "" && c.CloserName != "" && c.CloserBy == a.ClosedBy:
		return fmt.Sprintf(x.byName, c.CloserName)
	case a.Closed != "":
		return a.ClosedBy
	case a.AnsweredBy == "page":
		return x.byPage
	case strings.HasPrefix(a.AnsweredBy, "manager:"):
		return fmt.Sprintf(x.byManager, strings.TrimPrefix(a.AnsweredBy, "manager:"))
	case c.AnswerName != "":
		return fmt.Sprintf(x.byName, c.AnswerName)
	}
	return a.Closer()
}

// The appeal card's callback codes: «Ответить», «Закрыть» (the second
// step), «Ответили вне соцсети», «Не обращение», «« Назад».
const (
	apReply     = "r"
	apClose     = "c"
	apElsewhere = "e"
	apNotAppeal = "n"
	apBack      = "x"
)

// appealData is an appeal card button's callback data.
func appealData(id uint64, act string) string { return "ap." + strconv.FormatUint(id, 10) + "." + act }

// parseAppealData reads appealData.
func parseAppealData(s string) (uint64, string, bool) {
	rest, ok := strings.CutPrefix(s, "ap.")
	if !ok {
		return 0, "", false
	}
	n, act, ok := strings.Cut(rest, ".")
	if !ok {
		return 0, "", false
	}
	switch act {
	case apReply, apClose, apElsewhere, apNotAppeal, apBack:
	default:
		return 0, "", false
	}
	id, err := strconv.ParseUint(n, 10, 64)
	return id, act, err == nil && id > 0
}

// renderAppeal renders the card as the appeal stands.
func (t *Reviewer) renderAppeal(a *moderation.Appeal, c *cardstore.AppealCard, canReply bool) (string, *keyboard) {
	x := t.appealTx()
	var b strings.Builder
	fmt.Fprintf(&b, "<b>%s #%d</b> · %s\n", x.title, a.DecisionID, esc(x.topicName(a.Topic)))
	fmt.Fprintf(&b, "<b>%s:</b> %s · %s\n", t.tx.network, esc(short(t.networkName(a.Network))), esc(short(a.Account)))
	fmt.Fprintf(&b, "<b>%s:</b> %s", t.tx.author, link(a.Author.ProfileURL, authorName(a.Author)))
	if a.Author.ID != "" {
		fmt.Fprintf(&b, " (<code>%s</code>)", esc(short(a.Author.ID)))
	}
	fmt.Fprintf(&b, "\n<b>%s:</b> %s\n", t.tx.time, esc(t.fmtTime(a.OpenedAt)))
	fmt.Fprintf(&b, "<b>%s:</b> %s\n", x.deadline, esc(t.fmtTime(a.Deadline)))
	if safeURL(a.Permalink) != "" {
		fmt.Fprintf(&b, "<b>%s:</b> %s\n", x.link, link(a.Permalink, t.tx.comment))
	}
	text, cutted := cut(a.Text, maxCardText)
	if cutted {
		text += "…"
	}
	label := x.text
	if !a.EditedAt.IsZero() {
		label += " (" + fmt.Sprintf(x.edited, t.fmtTime(a.EditedAt)) + ")"
	}
	fmt.Fprintf(&b, "<b>%s:</b>\n<blockquote>%s</blockquote>", esc(label), esc(text))
	if a.Deleted {
		b.WriteString("\n" + x.deleted)
	}
	var kb *keyboard
	switch {
	case a.NotAppeal():
		b.WriteString("\n" + fmt.Sprintf(x.closedNotAppeal, esc(x.answeredBy(a, c)), esc(t.fmtTime(a.ClosedAt))))
	case a.Expired():
		b.WriteString("\n" + fmt.Sprintf(x.closedExpired, esc(t.fmtTime(a.ClosedAt))))
	case !a.Open():
		when := x.onTime
		if !a.OnTime() {
			when = x.late
		}
		line := x.answered
		if a.Closed == moderation.ClosedElsewhere {
			line = x.closedElsewhere
		}
		b.WriteString("\n" + fmt.Sprintf(line, esc(x.answeredBy(a, c)), esc(t.fmtTime(a.AnsweredAt)), when))
		if c.Answer != "" {
			ans, _ := cut(c.Answer, maxCardText/2)
			fmt.Fprintf(&b, "\n<b>%s:</b>\n<blockquote>%s</blockquote>", x.answer, esc(ans))
		}
	case c.Reply != nil:
		b.WriteString("\n" + fmt.Sprintf(x.posting, esc(c.Reply.Name)))
	default:
		if t.now().After(a.Deadline) {
			b.WriteString("\n" + x.overdue)
		} else {
			b.WriteString("\n" + x.waiting)
		}
		if c.Failed != "" {
			b.WriteString("\n" + fmt.Sprintf(x.failed, esc(c.Failed)))
		}
		closeBtn := button{Text: x.btnClose, Data: appealData(a.DecisionID, apClose)}
		if c.Step == stepClose {
			kb = &keyboard{InlineKeyboard: [][]button{
				{{Text: x.btnElsewhere, Data: appealData(a.DecisionID, apElsewhere)}},
				{{Text: x.btnNotAppeal, Data: appealData(a.DecisionID, apNotAppeal)}},
				{{Text: x.btnBack, Data: appealData(a.DecisionID, apBack)}},
			}}
			break
		}
		if !canReply {
			// Answered by hand, or not at all: «Закрыть» records it.
			b.WriteString("\n" + x.byHand)
			kb = &keyboard{InlineKeyboard: [][]button{{closeBtn}}}
			break
		}
		kb = &keyboard{InlineKeyboard: [][]button{{{Text: x.btnReply, Data: appealData(a.DecisionID, apReply)}, closeBtn}}}
		if !t.forcesReply() {
			// No forced reply here: the moderator replies to the card.
			b.WriteString("\n" + x.replyHint)
		}
	}
	return b.String(), kb
}

// leftText is "2 ч" / "2h": how long until the deadline.
func (t *Reviewer) leftText(d time.Duration) string {
	return t.tx.ago(max(d, 0).Round(time.Minute))
}
