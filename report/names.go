package report

import "cmp"

// Names for people, in Russian.

var reasonNames = map[string]string{
	"obscenity": "мат", "insult": "оскорбления", "threat": "угрозы", "spam": "спам",
	"illegal": "запрещённое законом", "toxic": "грубость", "hot_topic": "острая тема",
	"moderator": "решение модератора", "other": "другое",
}

func reasonName(k string) string { return cmp.Or(reasonNames[k], k) }

var topicNames = map[string]string{
	"roads": "дороги", "water": "вода", "heating": "отопление", "rubbish": "мусор",
	"transport": "транспорт", "lighting": "освещение", "snow": "снег", "schools": "школы",
	"clinics": "поликлиники", "housing": "ЖКХ", "other": "другое",
}

func topicName(k string) string { return cmp.Or(topicNames[k], k) }

var kindNames = map[string]string{
	"manager_added": "добавлен руководитель", "manager_removed": "удалён руководитель",
	"manager_role": "изменена роль руководителя", "token_broken": "токен не работает",
	"token_right_lost": "токен потерял право", "token_expiring": "токен скоро истечёт",
	"setting_changed": "изменена настройка страницы",
}

func kindName(k string) string { return cmp.Or(kindNames[k], k) }
