package review

import (
	"fmt"
	"time"
)

// texts are the words of one language. Button labels are a contract: other
// tooling finds the Russian ones by these words.
type texts struct {
	btnKeep, btnDelete, btnBan            string
	btnDay, btnWeek, btnMonth, btnForever string
	btnBack, btnRestore, btnRetry         string
	btnBanEverywhere                      string // a ban on every page of the network (a contract)

	titleReview, titleUrgent, titleDone, titleNotice, titleDigest string
	network, account, post, comment, open                         string
	author, priorViolations, time, rules, text                    string
	cutNote                                                       string // shown, total
	ctxPost, ctxParent                                            string // Comment.Context on the card
	dryRun                                                        string
	plainNote                                                     string // on a card sent in the plain form

	decided, decidedBy, decidedTimeout, undone string
	actions                                    string
	verdict                                    map[string]string // allow, delete, ban
	banFor                                     func(d time.Duration) string
	action                                     map[string]string // delete, ban, unban, restore
	state                                      map[string]string // pending, done, failed, skipped
	autoDeleted, autoBanned                    string

	// Answers to taps (≤ 200 characters).
	ansNoRights, ansStale, ansChooseBan, ansBack string
	ansOtherChat                                 string
	ansDone, ansFailed, ansAlready, ansError     string
	ansNothingToUndo                             string
	ansEdited                                    string // a tap on the card of a text its author replaced
	ansRestored, ansRetried                      string

	// Commands.
	cmdPending, cmdStats, cmdUnban, cmdPause, cmdResume, cmdHelp string
	help                                                         string
	pendingNone, pendingHead, pendingMore                        string
	statsHead, statsToday, statsWeek, statsLine, statsRules      string
	statsPages                                                   string
	cmdAuthor, authorUsage, authorNone, authorHead               string
	authorAuto, authorWaiting                                    string
	unbanUsage, unbanDone                                        string
	paused, resumed, pausedNow, noRights, cmdError               string
	pausedUntil, resumedTimer, pauseUsage                        string
	remindOne, remindMany                                        string
	digestHead                                                   string
	networks                                                     map[string]string
	banLocal                                                     string
	timeFormat                                                   string
	ago                                                          func(d time.Duration) string
}

var ru = &texts{
	btnKeep: "Оставить", btnDelete: "Удалить", btnBan: "Удалить и забанить",
	btnDay: "1 день", btnWeek: "1 неделя", btnMonth: "1 месяц", btnForever: "Навсегда",
	btnBack: "« Назад", btnRestore: "Восстановить", btnRetry: "Повторить",
	btnBanEverywhere: "Забанить везде",

	titleReview: "Нужно решение", titleUrgent: "Срочно: нужно решение", titleDone: "Проверено",
	titleNotice: "Автоматическое действие", titleDigest: "Сводка автоматических действий",
	network: "Сеть", account: "Аккаунт", post: "пост", comment: "комментарий", open: "Ссылки",
	author: "Автор", priorViolations: "нарушений на странице ранее: %d", time: "Время",
	rules: "Правила", text: "Текст",
	ctxPost: "Пост", ctxParent: "В ответ на",
	cutNote:   "Текст обрезан: показано %d из %d символов.",
	dryRun:    "Пробный режим (dry_run): ничего не сделано.",
	plainNote: "Упрощённый вид: Telegram не принял полную карточку.",

	decided: "Решение", decidedBy: "%s, %s", decidedTimeout: "по истечении срока (%s), %s",
	undone:  "Отменено: %s, %s",
	actions: "Действия",
	verdict: map[string]string{"allow": "оставить", "delete": "удалить", "ban": "удалить и забанить", "review": "на проверку"},
	banFor: func(d time.Duration) string {
		switch d {
		case 0:
			return "навсегда"
		case day:
			return "на 1 день"
		case week:
			return "на 1 неделю"
		case month:
			return "на 1 месяц"
		}
		return "на " + shortDuration(d, "д", "ч", "мин")
	},
	action:      map[string]string{"delete": "удаление", "ban": "бан", "unban": "разбан", "restore": "восстановление"},
	state:       map[string]string{"pending": "ожидает", "done": "выполнено", "failed": "ошибка", "skipped": "пропущено"},
	autoDeleted: "удалено", autoBanned: "удалено, автор забанен %s",

	ansOtherChat: "Эта кнопка работает только в чате модерации",
	ansNoRights:  "нет прав", ansStale: "Карточка устарела", ansChooseBan: "Выберите срок бана",
	ansBack: "Отменено, выберите решение", ansDone: "Готово: %s", ansFailed: "Решение записано, но действие не удалось: %s",
	ansAlready: "Уже решено: %s (%s)", ansError: "Не удалось: %s",
	ansEdited:   "Автор изменил комментарий: эта версия не решается, новую проверили заново",
	ansRestored: "Восстановлено", ansRetried: "Повторено",
	ansNothingToUndo: "Восстанавливать нечего: комментарий не удаляли, автора не банили",

	cmdPending: "очередь на проверку", cmdStats: "статистика за сегодня и неделю",
	cmdUnban: "снять бан: /unban <сеть> <автор>", cmdPause: "остановить автоматические действия",
	cmdResume: "возобновить автоматические действия", cmdHelp: "справка",
	help: "<b>strazh</b> присылает сюда комментарии на проверку и отчёты об автоматических действиях.\n" +
		"На карточке: «Оставить», «Удалить» или «Удалить и забанить» (затем срок). На отчёте: «Восстановить».\n" +
		"На обращении: «Ответить» (ответом на карточку) или «Закрыть» — «Ответили вне соцсети» или «Не обращение».\n\n" +
		"/pending — очередь на проверку\n/stats — статистика за сегодня и неделю\n" +
		"/unban &lt;сеть&gt; &lt;автор&gt; — снять бан (например: /unban vk 12345)\n" +
		"/author &lt;сеть&gt; &lt;автор&gt; — последние решения об авторе на всех страницах\n" +
		"/pause [срок] — остановить автоматические действия (всё пойдёт на проверку; /pause 2h — на два часа)\n/resume — возобновить\n/help — эта справка",
	pendingNone: "Очередь пуста.", pendingHead: "<b>На проверке: %d</b> (сначала старые)", pendingMore: "…и ещё %d",
	statsHead: "<b>Статистика</b>", statsToday: "Сегодня", statsWeek: "За 7 дней",
	statsLine:   "%s: комментариев %d, удалено %d, забанено %d, на проверке было %d, ждут %d",
	statsRules:  "Правила (7 дней)",
	statsPages:  "по страницам",
	cmdAuthor:   "решения об авторе: /author <сеть> <автор>",
	authorUsage: "Использование: /author &lt;сеть&gt; &lt;автор&gt;, например /author vk 12345",
	authorNone:  "Об авторе %s в сети %s решений нет.",
	authorHead:  "<b>Автор %s (%s, %s): последние решения</b>",
	authorAuto:  "автоматически", authorWaiting: "ждёт проверки",
	unbanUsage:   "Использование: /unban &lt;сеть&gt; &lt;автор&gt;, например /unban vk 12345",
	unbanDone:    "Бан автора %s в сети %s снят на аккаунтах: %d",
	paused:       "Автоматические действия остановлены (%s). Всё идёт на проверку. /resume — возобновить.",
	resumed:      "Автоматические действия возобновлены (%s).",
	pausedNow:    "Сейчас автоматические действия остановлены (/resume).",
	pausedUntil:  "Автоматические действия остановлены (%s) до %s. Всё идёт на проверку. /resume — возобновить раньше.",
	resumedTimer: "Пауза истекла: автоматические действия возобновлены.",
	pauseUsage:   "Использование: /pause [срок], например /pause 2h или /pause 30m. %s",
	noRights:     "нет прав", cmdError: "Ошибка: %s",
	remindOne:  "Напоминание: комментарий ждёт решения уже %s.",
	remindMany: "Напоминание: ждут решения дольше %s: %s",
	digestHead: "<b>Сводка автоматических действий</b>: %d",
	banLocal:   "сеть не умеет банить: автор в чёрном списке strazh, его новые комментарии удаляются сразу",
	networks:   map[string]string{"vk": "ВКонтакте", "ok": "Одноклассники", "facebook": "Facebook", "instagram": "Instagram", "max": "MAX", "telegram": "Telegram", "sim": "Симулятор"},
	timeFormat: "02.01.2006 15:04",
	ago:        func(d time.Duration) string { return shortDuration(d, "д", "ч", "мин") },
}

var en = &texts{
	btnKeep: "Keep", btnDelete: "Delete", btnBan: "Delete and ban",
	btnDay: "1 day", btnWeek: "1 week", btnMonth: "1 month", btnForever: "Forever",
	btnBanEverywhere: "Ban everywhere",
	btnBack:          "« Back", btnRestore: "Restore", btnRetry: "Retry",

	titleReview: "Decision needed", titleUrgent: "Urgent: decision needed", titleDone: "Reviewed",
	titleNotice: "Automatic action", titleDigest: "Automatic actions digest",
	network: "Network", account: "Account", post: "post", comment: "comment", open: "Links",
	author: "Author", priorViolations: "%d earlier violations on this page", time: "Time",
	rules: "Rules", text: "Text",
	ctxPost: "Post", ctxParent: "In reply to",
	cutNote:   "Text cut: %d of %d characters shown.",
	dryRun:    "Dry run: nothing was done.",
	plainNote: "Plain view: Telegram did not accept the full card.",

	decided: "Decision", decidedBy: "%s, %s", decidedTimeout: "review time-out (%s), %s",
	undone:  "Undone: %s, %s",
	actions: "Actions",
	verdict: map[string]string{"allow": "keep", "delete": "delete", "ban": "delete and ban", "review": "review"},
	banFor: func(d time.Duration) string {
		switch d {
		case 0:
			return "forever"
		case day:
			return "for 1 day"
		case week:
			return "for 1 week"
		case month:
			return "for 1 month"
		}
		return "for " + shortDuration(d, "d", "h", "min")
	},
	action:      map[string]string{"delete": "delete", "ban": "ban", "unban": "unban", "restore": "restore"},
	state:       map[string]string{"pending": "pending", "done": "done", "failed": "failed", "skipped": "skipped"},
	autoDeleted: "deleted", autoBanned: "deleted, author banned %s",

	ansOtherChat: "This button works only in the review chat",
	ansNoRights:  "not allowed (нет прав)", ansStale: "This card is out of date", ansChooseBan: "Choose the ban length",
	ansBack: "Cancelled, choose a decision", ansDone: "Done: %s", ansFailed: "Decision recorded, but the action failed: %s",
	ansAlready: "Already decided: %s (%s)", ansError: "Failed: %s",
	ansEdited:   "The author edited the comment: this version is not decided, the new one was checked anew",
	ansRestored: "Restored", ansRetried: "Retried",
	ansNothingToUndo: "Nothing to restore: the comment was not deleted, its author not banned",

	cmdPending: "the review queue", cmdStats: "statistics for today and the week",
	cmdUnban: "lift a ban: /unban <network> <author>", cmdPause: "stop automatic actions",
	cmdResume: "resume automatic actions", cmdHelp: "help",
	help: "<b>strazh</b> posts comments to review here, and reports of automatic actions.\n" +
		"On a card: Keep, Delete or Delete and ban (then the length). On a report: Restore.\n" +
		"On an appeal: Reply (then reply to the card) or Close — Answered elsewhere or Not an appeal.\n\n" +
		"/pending — the review queue\n/stats — statistics for today and the week\n" +
		"/unban &lt;network&gt; &lt;author&gt; — lift a ban (e.g. /unban vk 12345)\n" +
		"/author &lt;network&gt; &lt;author&gt; — last decisions about an author on every page\n" +
		"/pause [length] — stop automatic actions (everything goes to review; /pause 2h — for two hours)\n/resume — resume\n/help — this help",
	pendingNone: "The queue is empty.", pendingHead: "<b>Waiting for review: %d</b> (oldest first)", pendingMore: "…and %d more",
	statsHead: "<b>Statistics</b>", statsToday: "Today", statsWeek: "Last 7 days",
	statsLine:   "%s: comments %d, deleted %d, banned %d, reviewed %d, pending %d",
	statsRules:  "Rules (7 days)",
	statsPages:  "per page",
	cmdAuthor:   "decisions about an author: /author <network> <author>",
	authorUsage: "Usage: /author &lt;network&gt; &lt;author&gt;, e.g. /author vk 12345",
	authorNone:  "No decisions about %s on %s.",
	authorHead:  "<b>Author %s (%s, %s): last decisions</b>",
	authorAuto:  "automatically", authorWaiting: "waiting for review",
	unbanUsage:   "Usage: /unban &lt;network&gt; &lt;author&gt;, e.g. /unban vk 12345",
	unbanDone:    "Ban of %s on %s lifted on accounts: %d",
	paused:       "Automatic actions stopped (%s). Everything goes to review. /resume to resume.",
	resumed:      "Automatic actions resumed (%s).",
	pausedNow:    "Automatic actions are stopped now (/resume).",
	pausedUntil:  "Automatic actions stopped (%s) until %s. Everything goes to review. /resume to resume sooner.",
	resumedTimer: "The pause is over: automatic actions resumed.",
	pauseUsage:   "Usage: /pause [length], e.g. /pause 2h or /pause 30m. %s",
	noRights:     "not allowed", cmdError: "Error: %s",
	remindOne:  "Reminder: this comment has waited %s for a decision.",
	remindMany: "Reminder: waiting longer than %s: %s",
	digestHead: "<b>Automatic actions digest</b>: %d",
	banLocal:   "the network cannot ban: the author is on strazh's blacklist, their next comments are deleted on sight",
	networks:   map[string]string{"vk": "VK", "ok": "OK", "facebook": "Facebook", "instagram": "Instagram", "max": "MAX", "telegram": "Telegram", "sim": "Simulator"},
	timeFormat: "2006-01-02 15:04",
	ago:        func(d time.Duration) string { return shortDuration(d, "d", "h", "min") },
}

// Ban lengths offered on the second step.
const (
	day   = 24 * time.Hour
	week  = 7 * day
	month = 30 * day
)

func shortDuration(d time.Duration, dd, hh, mm string) string {
	switch {
	case d >= day && d%day == 0:
		return fmt.Sprintf("%d %s", d/day, dd)
	case d >= day:
		return fmt.Sprintf("%d %s %d %s", d/day, dd, (d%day)/time.Hour, hh)
	case d >= time.Hour:
		if m := (d % time.Hour) / time.Minute; m > 0 {
			return fmt.Sprintf("%d %s %d %s", d/time.Hour, hh, m, mm)
		}
		return fmt.Sprintf("%d %s", d/time.Hour, hh)
	}
	return fmt.Sprintf("%d %s", max(d/time.Minute, 0), mm)
}
