package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// Announce queues a message about a security event of the account guard
// (moderation.Announcer) in the review chat, through the durable outbox:
// «⚠️ Безопасность · admin-vk: добавлен руководитель Иван Петров (123),
// роль — администратор». It only writes to the store.
func (t *Telegram) Announce(ctx context.Context, ev moderation.SecurityEvent) error {
	text := "⚠️ " + esc(SecurityText(t.cfg.Language, ev))
	err := t.store.Apply(cardstore.Change{Enqueue: []*cardstore.Outgoing{{Prio: cardstore.PrioReview,
		Op: cardstore.OpText, ChatID: t.cfg.ChatID, Text: text, Created: t.now()}}})
	if err != nil {
		return fmt.Errorf("review: announce %s of %s: %w", ev.Kind, ev.Account, err)
	}
	t.poke()
	return nil
}

var _ moderation.Announcer = (*Telegram)(nil)

// secWords are the announcement's words per language.
type secWords struct {
	title                                        string
	added, removed, role, broken, lost, expiring string
	setting, unknown                             string
	roles, settings, values, tokens              map[string]string
}

var secTexts = map[string]*secWords{
	LangRU: {
		title:    "Безопасность",
		added:    "добавлен руководитель %s, роль — %s",
		removed:  "снят руководитель %s (был: %s)",
		role:     "у руководителя %s сменилась роль: %s",
		broken:   "перестал работать токен%s: %s",
		lost:     "токен%s потерял право «%s»",
		expiring: "токен скоро истечёт (%s) — обновите его",
		setting:  "изменена настройка «%s»: %s",
		unknown:  "%s %s %s",
		roles: map[string]string{"administrator": "администратор", "editor": "редактор", "moderator": "модератор",
			"creator": "владелец", "advertiser": "рекламодатель", "manager": "руководитель"},
		settings: map[string]string{"comments": "комментарии", "obscenity_filter": "фильтр нецензурных выражений",
			"obscenity_stopwords": "фильтр по ключевым словам", "wall": "стена", "messages": "сообщения сообщества"},
		values: map[string]string{"on": "вкл.", "off": "выкл.", "open": "открытая", "closed": "закрытая", "limited": "ограниченная"},
		tokens: map[string]string{"community": " сообщества", "user": " администратора", "bot": " бота"},
	},
	LangEN: {
		title:    "Security",
		added:    "manager added: %s, role %s",
		removed:  "manager removed: %s (was %s)",
		role:     "manager %s changed role: %s",
		broken:   "the%s token stopped working: %s",
		lost:     "the%s token lost the right %q",
		expiring: "a token expires soon (%s): renew it",
		setting:  "setting %q changed: %s",
		unknown:  "%s %s %s",
		tokens:   map[string]string{"community": " community", "user": " user", "bot": " bot"},
	},
}

// SecurityText describes a security event for people, in lang (ru or en;
// anything else is Russian): «Безопасность · admin-vk: …».
func SecurityText(lang string, ev moderation.SecurityEvent) string {
	w := secTexts[lang]
	if w == nil {
		w = secTexts[LangRU]
	}
	word := func(m map[string]string, s string) string {
		if v, ok := m[s]; ok {
			return v
		}
		return s
	}
	// change renders "a → b" with each side translated.
	change := func(m map[string]string, s string) string {
		parts := strings.Split(s, " → ")
		for i, p := range parts {
			parts[i] = word(m, p)
		}
		return strings.Join(parts, " → ")
	}
	// Manager events' Detail is "Name · what" (moderation/guard).
	name, what := "", ev.Detail
	if i := strings.Index(ev.Detail, " · "); i >= 0 {
		name, what = ev.Detail[:i], ev.Detail[i+len(" · "):]
	}
	who := ev.Subject
	if name != "" {
		who = name + " (" + ev.Subject + ")"
	}
	var s string
	switch ev.Kind {
	case moderation.SecManagerAdded:
		s = fmt.Sprintf(w.added, who, word(w.roles, what))
	case moderation.SecManagerRemoved:
		s = fmt.Sprintf(w.removed, who, word(w.roles, what))
	case moderation.SecManagerRole:
		s = fmt.Sprintf(w.role, who, change(w.roles, what))
	case moderation.SecTokenBroken:
		s = fmt.Sprintf(w.broken, word(w.tokens, ev.Subject), ev.Detail)
	case moderation.SecTokenRightLost:
		tok, right := "", ev.Subject
		if i := strings.IndexByte(right, ':'); i > 0 {
			tok, right = right[:i], right[i+1:]
		}
		s = fmt.Sprintf(w.lost, word(w.tokens, tok), right)
	case moderation.SecTokenExpiring:
		s = fmt.Sprintf(w.expiring, strings.TrimPrefix(ev.Detail, "expires "))
	case moderation.SecSettingChanged:
		s = fmt.Sprintf(w.setting, word(w.settings, ev.Subject), change(w.values, ev.Detail))
	default:
		s = strings.TrimSpace(fmt.Sprintf(w.unknown, ev.Kind, ev.Subject, ev.Detail))
	}
	return w.title + " · " + ev.Account + ": " + s
}
