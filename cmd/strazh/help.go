package main

import (
	"flag"
	"os"
	"strings"
)

// russianLocale reports whether the user's messages locale is Russian, read
// as POSIX does: LC_ALL overrides LC_MESSAGES, which overrides LANG.
func russianLocale() bool {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return strings.HasPrefix(strings.ToLower(v), "ru")
		}
	}
	return false
}

// tr returns the Russian text for an English help text when the locale is
// Russian; a text without a translation stays English.
func tr(en string) string {
	if !russianLocale() {
		return en
	}
	if ru, ok := helpRU[en]; ok {
		return ru
	}
	return en
}

// localizeFlags translates the flags' descriptions before PrintDefaults.
func localizeFlags(fs *flag.FlagSet) {
	if !russianLocale() {
		return
	}
	fs.VisitAll(func(f *flag.Flag) {
		if ru, ok := helpRU[f.Usage]; ok {
			f.Usage = ru
			return
		}
		for en, ru := range helpRUPrefix {
			if rest, ok := strings.CutPrefix(f.Usage, en); ok {
				f.Usage = ru + rest
			}
		}
	})
}

// helpRUPrefix translates descriptions that end in a generated list.
var helpRUPrefix = map[string]string{
	"simulated network: ": "имитируемая соцсеть: ",
}

// helpRU holds the Russian help: command summaries, the usage frame and the
// operator commands' descriptions and flags. The man page (strazh man) is
// generated from the same texts.
var helpRU = map[string]string{
	// strazh help
	"strazh moderates comments on official social-media pages.\n\nUsage: strazh <command> [flags]\n\nCommands:\n": "strazh модерирует комментарии на официальных страницах в соцсетях.\n\nИспользование: strazh <команда> [флаги]\n\nКоманды:\n",
	"\nEvery command that needs the configuration takes -config FILE; `strazh <command> -h` documents each.\n":    "\nКаждая команда, которой нужна конфигурация, принимает -config ФАЙЛ; `strazh <команда> -h` описывает каждую.\n",
	"Usage: strazh %s %s\n\n%s\n\nFlags:\n": "Использование: strazh %s %s\n\n%s\n\nФлаги:\n",

	// command summaries
	"run the daemon": "запустить демон",
	"run the daemon against a simulated network, no tokens needed":     "запустить демон на имитации соцсети, токены не нужны",
	"serve a simulated network and Telegram chat for `strazh run`":     "имитация соцсети и чата Telegram для `strazh run`",
	"validate the configuration and the rules (with their examples)":   "проверить конфигурацию и правила (с их примерами)",
	"judge comments from stdin, one per line, print JSON verdicts":     "оценить комментарии из stdin, по одному в строке, вывести вердикты в JSON",
	"measure the rules on labelled JSONL files":                        "измерить качество правил на размеченных файлах JSONL",
	"train the learned model on labelled JSONL files":                  "обучить модель на размеченных файлах JSONL",
	"replay a page from labelled JSONL files, with the model learning": "проиграть страницу из размеченных файлов JSONL, модель учится",
	"play a page from labelled JSONL files, with the model learning":   "проиграть страницу из размеченных файлов JSONL, модель учится",
	"the page's learned model: status, list, rollback, refit, export":  "обучаемая модель страницы: status, list, rollback, refit, export",
	"query and export decisions (CSV or JSONL)":                        "просмотр и выгрузка решений (таблица, CSV или JSONL)",
	"query and export decisions (table, CSV or JSONL)":                 "просмотр и выгрузка решений (таблица, CSV или JSONL)",
	"list banned authors, or unban one":                                "список забаненных авторов или снятие бана",
	"list pending reviews, or decide one from the shell":               "комментарии на проверке или решение по одному из них",
	"check, back up, restore or compact the database":                  "проверить, сохранить, восстановить или сжать базу",
	"print the version": "показать версию",
	"print the effective configuration (dump) or its JSON Schema (schema)": "показать действующую конфигурацию (dump) или её JSON Schema (schema)",

	// shared flags
	"configuration `file`":               "`файл` конфигурации",
	"configuration `file` to check":      "проверяемый `файл` конфигурации",
	"only this account":                  "только эта страница (аккаунт)",
	"list only this account":             "только эта страница (аккаунт)",
	"only this author (network user ID)": "только этот автор (ID пользователя в соцсети)",

	// strazh man
	"System Administration": "Администрирование системы",
	"NAME":                  "ИМЯ", "SYNOPSIS": "СИНТАКСИС", "DESCRIPTION": "ОПИСАНИЕ", "COMMANDS": "КОМАНДЫ",
	"CONFIGURATION": "КОНФИГУРАЦИЯ", "FILES": "ФАЙЛЫ", "ENVIRONMENT": "ОКРУЖЕНИЕ", "SEE ALSO": "СМОТРИТЕ ТАКЖЕ",
	"command": "команда", "flags": "флаги",
	"moderate comments on official social-media pages": "модерация комментариев на официальных страницах в соцсетях",
	manDescription:                           "strazh модерирует комментарии на официальных страницах муниципалитета: коннекторы читают соцсети, движок правил решает — оставить, на проверку, удалить или забанить, сомнительные комментарии уходят в чат проверки в Telegram, каждое решение сохраняется и видно в метриках. Удалить по ошибке комментарий жителя так же вредно, как пропустить мат: автоматические действия точны, а в сомнении решает человек.",
	manConfig:                                "Демон читает один файл YAML (-config, по умолчанию /etc/strazh/config.yaml). Неизвестные ключи — ошибка; секреты только называются (переменная окружения или файл) и никогда не пишутся в нём. Пример с комментариями ниже — справочник по всем ключам; strazh check проверяет файл.",
	manFiles:                                 "/etc/strazh/config.yaml  конфигурация\n/etc/strazh/credentials/  файлы токенов, передаются службе через LoadCredential=\n/var/lib/strazh/strazh.db  решения, курсоры, карточки проверки (bbolt)\n/var/lib/strazh/strazh.sock  служебный сокет для audit, blacklist, review, model, db\n/usr/share/strazh/  алерты Prometheus, панель Grafana, конфигурация имитации соцсети",
	manEnvironment:                           "LC_ALL, LC_MESSAGES, LANG: справка и таблицы по-русски, если локаль русская.\nNO_COLOR: демонстрация без цветов.\nКлючи *_env конфигурации называют переменные с токенами.",
	"print the strazh(8) manual page (roff)": "вывести страницу руководства strazh(8) (roff)",
	"print the bash completion script":       "вывести скрипт дополнения для bash",

	// run
	"Runs the daemon: reads every configured account, moderates, acts and\nsends doubtful comments to the review chat. SIGHUP reloads the rules;\nSIGTERM shuts down gracefully.": "Запускает демон: читает все страницы из конфигурации, модерирует, удаляет и\nбанит, сомнительные комментарии отправляет в чат проверки. SIGHUP\nперечитывает правила, SIGTERM завершает работу аккуратно.",

	// demo
	"Runs the real daemon end to end against a simulated network and a simulated\nTelegram chat: realistic comments arrive, strazh decides, deletes, bans and\nsends doubtful ones to review, where a simulated moderator taps the buttons.\nNo tokens, no network. The state stays in a temporary directory that\n`strazh audit` can read.": "Запускает настоящий демон целиком на имитации соцсети и чата Telegram:\nприходят правдоподобные комментарии, strazh решает, удаляет, банит и\nотправляет сомнительные на проверку, где имитированный модератор нажимает\nкнопки. Без токенов и без сети. Состояние остаётся во временном каталоге,\nего читает `strazh audit`.",
	"state directory to use (default: a new temporary one)":                  "каталог состояния (по умолчанию новый временный)",
	"how long the comments keep arriving":                                    "сколько времени приходят комментарии",
	"serve /metrics on this `address` during the demo (e.g. 127.0.0.1:9464)": "отдавать /metrics на этом `адресе` во время демонстрации (например 127.0.0.1:9464)",

	// audit
	"Prints decisions oldest first (newest last), one per line, with the comment's\nID and text, the verdict, the rules that fired and what was done: a table\non a terminal, JSON Lines when piped (-format chooses). Works\nwhile the daemon runs (through its admin socket) and when it is stopped.": "Выводит решения от старых к новым, по одному в строке: ID и текст\nкомментария, вердикт, сработавшие правила и что сделано; в терминале\nтаблицей, в конвейере строками JSON (выбирает -format). Работает и при\nзапущенном демоне (через его служебный сокет), и при остановленном.",
	"from this time or age (2026-11-01, RFC 3339, 36h, 7d)":                                "начиная с этого времени или возраста (2026-11-01, RFC 3339, 36h, 7d)",
	"up to this time or age (exclusive)":                                                   "до этого времени или возраста (не включая)",
	"only these final verdicts, comma-separated (allow,review,delete,ban)":                 "только эти итоговые вердикты через запятую (allow,review,delete,ban)",
	"only the newest `n` decisions":                                                        "только `n` последних решений",
	"output `format`: table, jsonl or csv (default: table on a terminal, jsonl otherwise)": "`формат` вывода: table, jsonl или csv (по умолчанию table в терминале, иначе jsonl)",

	// blacklist
	"Lists the authors strazh banned (and bans made by hand in the networks), or\nlifts a ban on every account of a network.": "Выводит авторов, забаненных strazh (и вручную в соцсетях), или снимает бан\nсо всех страниц соцсети.",
	"lift the ban of this author (network user ID)": "снять бан с этого автора (ID пользователя в соцсети)",
	"with -unban: the network (vk, ...)":            "с -unban: соцсеть (vk, ...)",

	// review
	"Lists the comments waiting for a human decision, oldest first, or decides\none. With the daemon running the decision acts at once; with it stopped,\nstrazh acts with the accounts' tokens from the configuration.": "Выводит комментарии, ждущие решения человека, от старых к новым, или решает\nпо одному. При запущенном демоне решение выполняется сразу, при\nостановленном strazh действует токенами страниц из конфигурации.",
	"decide the review with this decision `id`":                      "решить проверку с этим `id` решения",
	"with -decide: allow (keep), delete or ban":                      "с -decide: allow (оставить), delete (удалить) или ban (забанить)",
	"with -verdict ban: how long (1d, 7d, 30d, 12h); empty: forever": "с -verdict ban: на сколько (1d, 7d, 30d, 12h); пусто — навсегда",

	// check
	"Validates the configuration (every key, value and secret reference), the\nrules and every rule file's examples, and lists all problems, then the\nwarnings. It needs neither the database nor the metrics port, so it runs\nbeside a live daemon; `strazh run` refuses to start on the same problems.\nWith -rules and no -config it checks those rule files with the shipped packs.": "Проверяет конфигурацию (каждый ключ, значение и ссылку на секрет), правила\nи примеры каждого файла правил и перечисляет все ошибки, затем предупреждения.\nЕй не нужны ни база, ни порт метрик, поэтому она работает рядом с запущенным\nдемоном; `strazh run` не запустится при тех же ошибках. С -rules без -config\nпроверяет эти файлы правил вместе со встроенными наборами.",
	"check this rule `file` too (repeatable); without -config: alone, with the shipped packs":    "проверить и этот `файл` правил (можно повторять); без -config — только его, со встроенными наборами",
	"fail when a token's environment variable or file is missing (run it where the daemon runs)": "ошибка, если переменной окружения или файла токена нет (запускайте там, где работает демон)",

	// db
	"Checks the database for damage: its header, every bucket, key and value, and\nbbolt's own consistency check. With FILE, checks that file (a backup) instead.\nWith the daemon running, it checks a hot copy taken through the admin socket.\nExit status 1 when the file is damaged.": "Проверяет базу на повреждения: заголовок, каждый бакет, ключ и значение и\nсобственную проверку bbolt. С FILE проверяет этот файл (резервную копию).\nПри запущенном демоне проверяет копию, снятую через служебный сокет.\nКод выхода 1, если файл повреждён.",
	"stop after this `long` (90s, 15m; 0: check everything)": "остановиться через это `время` (90s, 15m; 0 — проверить всё)",
	"Writes a consistent copy of the database (bbolt's hot backup: the daemon goes on\nmoderating meanwhile, through its admin socket; with the daemon stopped, from\nthe file). The copy is written beside its final name, synced, checked, then\nrenamed into place. With -dir, the copy is named strazh-<UTC time>.db and only\nthe newest -keep copies stay.": "Пишет согласованную копию базы (горячая копия bbolt: демон тем временем\nпродолжает модерировать, копия идёт через служебный сокет; при остановленном\nдемоне — из файла). Копия пишется рядом с окончательным именем, сбрасывается\nна диск, проверяется и только потом переименовывается. С -dir копия\nназывается strazh-<время UTC>.db, и остаются только -keep последних.",
	"write a time-stamped copy into this `directory`": "записать копию с отметкой времени в этот `каталог`",
	"with -dir: how many copies to keep (0: all)":     "с -dir: сколько копий хранить (0 — все)",
	"write the copy to this `file`":                   "записать копию в этот `файл`",
	"Replaces the database with BACKUP, the daemon stopped. The backup is copied\nbeside the database and checked before anything is replaced; the swap is an\natomic rename, and the old file stays beside it as strazh.db.before-restore-<time>.":  "Заменяет базу резервной копией BACKUP при остановленном демоне. Копия\nкладётся рядом с базой и проверяется до любой замены; замена — атомарное\nпереименование, старый файл остаётся рядом как strazh.db.before-restore-<время>.",
	"Rewrites the database without its free pages, the daemon stopped (it also\ncompacts a mostly free file by itself at start). The copy is checked before it\nreplaces the file; the old file stays beside it as strazh.db.before-compact-<time>.": "Переписывает базу без свободных страниц при остановленном демоне (почти пустой\nфайл демон сжимает и сам при запуске). Копия проверяется до замены файла;\nстарый файл остаётся рядом как strazh.db.before-compact-<время>.",

	// config
	"Prints the effective configuration: every key with the value strazh uses,\ndefaults filled in, durations as 30d, 12h. Secrets are never in the file:\ntheir sources (*_env, *_file) are shown, an *_env value that is no variable\nname (a token pasted by mistake) is redacted.": "Выводит действующую конфигурацию: каждый ключ со значением, которое использует\nstrazh, с подставленными умолчаниями, длительности как 30d, 12h. Секретов в\nфайле нет: показаны их источники (*_env, *_file), а значение *_env, не похожее\nна имя переменной (токен, вставленный по ошибке), скрыто.",
	"Prints the JSON Schema of the configuration file (draft 2020-12), generated\nfrom the same declarations as the loader, for editor completion; the\nrepository ships it as config/strazh.schema.json.":                                                                             "Выводит JSON Schema файла конфигурации (draft 2020-12), построенную из тех же\nобъявлений, что читает загрузчик, для подсказок в редакторе; в репозитории\nона лежит в config/strazh.schema.json.",
	"write to this `file` instead of stdout": "записать в этот `файл`, а не в stdout",

	// version
	"Prints the version of this build, its Go version and build date.": "Выводит версию этой сборки, версию Go и дату сборки.",

	// sim
	"Serves a simulated network (the sim connector's API) and a simulated\nTelegram Bot API on one address, with a steady stream of comments written\nfor the purpose, so `strazh run` and a real Prometheus can be tried before\nany token exists. A simulated moderator answers the review cards.\nPrint a matching configuration with -print-config.": "Поднимает на одном адресе имитацию соцсети (API коннектора sim) и имитацию\nTelegram Bot API с ровным потоком специально написанных комментариев, чтобы\nопробовать `strazh run` и настоящий Prometheus до получения токенов.\nИмитированный модератор отвечает на карточки проверки. Подходящую\nконфигурацию выводит -print-config.",
	"with -print-config: the state directory the configuration names": "с -print-config: каталог состояния в конфигурации",
	"language of the review chat and of this output: ru or en":        "язык чата проверки и этого вывода: ru или en",
	"the comment stream's `seed` (the same seed, the same comments)":  "`seed` потока комментариев (тот же seed — те же комментарии)",
	"how long the simulated moderator takes per card":                 "сколько имитированный модератор думает над карточкой",
	"strazh sim: the simulated network and Telegram chat on http://%s\nTry strazh against it (no real tokens):\n  %s sim -listen %s -print-config > sim.yaml\n  export STRAZH_SIM_TOKEN=%s STRAZH_SIM_TELEGRAM_TOKEN=%s\n  %s run -config sim.yaml\nand point Prometheus at it: prometheus --config.file=deploy/prometheus/prometheus-sim.yml\n": "strazh sim: имитация соцсети и чата Telegram на http://%s\nЗапустите strazh против неё (настоящие токены не нужны):\n  %s sim -listen %s -print-config > sim.yaml\n  export STRAZH_SIM_TOKEN=%s STRAZH_SIM_TELEGRAM_TOKEN=%s\n  %s run -config sim.yaml\nи направьте на него Prometheus: prometheus --config.file=deploy/prometheus/prometheus-sim.yml\n",
	"%s posted %d, deleted %d, banned %d; %d messages in the review chat\n": "%s опубликовано %d, удалено %d, забанено %d; сообщений в чате проверки %d\n",
	"listen on this `address`":                      "слушать на этом `адресе`",
	"one new comment every `interval` (on average)": "новый комментарий каждые `interval` (в среднем)",
	"print a configuration for strazh run and exit": "вывести конфигурацию для strazh run и выйти",

	// strazh registry
	"render the public registry of the official accounts (HTML, JSON or CSV)": "реестр официальных страниц для сайта (HTML, JSON или CSV)",
	"Renders the public registry of the official accounts (decree §1.3) for the\nmunicipality's website: the accounts of the configuration with what their\nnetworks report (name, link, the state \"verified\" mark, the last post).\nWhen a network cannot be reached, its accounts are rendered from the\nconfiguration alone and the page says what is left out.": "Составляет публичный реестр официальных страниц (§1.3) для сайта\nмуниципалитета: страницы из конфигурации и то, что о них сообщают соцсети\n(название, ссылка, отметка государственной организации, последняя\nпубликация). Если соцсеть недоступна, её страницы берутся только из\nконфигурации, и на странице сказано, чего не хватает.",
	"output `format`: html, json or csv": "`формат` вывода: html, json или csv",

	// strazh report
	"the report for the head of the district (HTML, PDF or Markdown)": "отчёт для главы района (HTML, PDF или Markdown)",
	"Makes the report for the head of the district over the last week (7 days) or\nmonth before today: comments, deletions by reason, bans, reviews and their\ntime to decision, citizens' appeals by topic and the share answered on time,\neach page's posts per week, security events, with charts. pdf needs headless\nChromium (Debian: chromium). Works while the daemon runs (through its admin\nsocket) and when it is stopped.": "Составляет отчёт для главы района за последнюю неделю (7 дней) или месяц до\nсегодняшнего дня: комментарии, удаления по причинам, баны, проверки и время\nдо решения, обращения граждан по темам и доля отвеченных в срок, публикации\nкаждой страницы по неделям, события безопасности, с графиками. Для pdf нужен\nChromium (Debian: chromium). Работает и при запущенном демоне (через его\nслужебный сокет), и при остановленном.",
	"the `period`: week or month":      "`период`: week (неделя) или month (месяц)",
	"output `format`: html, pdf or md": "`формат` вывода: html, pdf или md",

	// users
	"add, change or remove users of the web review console":                                                                        "добавить, изменить или удалить пользователей веб-консоли проверки",
	"Usage: strazh users <command> -config FILE [flags] [NAME]\n\nCommands:\n":                                                     "Использование: strazh users <команда> -config ФАЙЛ [флаги] [ИМЯ]\n\nКоманды:\n",
	"add a user of the web review console (the password is asked for)":                                                             "добавить пользователя веб-консоли проверки (пароль будет запрошен)",
	"set a user's new password (signs their sessions out)":                                                                         "задать пользователю новый пароль (его сеансы завершаются)",
	"remove a user and sign their sessions out":                                                                                    "удалить пользователя и завершить его сеансы",
	"list the users and their roles":                                                                                               "перечислить пользователей и их роли",
	"the user's `role`: moderator (decides), viewer (reads statistics and the audit) or admin (also pauses, unbans)":               "`роль` пользователя: moderator (решает), viewer (читает статистику и журнал) или admin (также пауза и разбан)",
	"the pages' language for this user: ru (default) or en":                                                                        "язык страниц для этого пользователя: ru (по умолчанию) или en",
	"strazh users: give one user NAME (Latin letters, digits, . _ -, up to 64)":                                                    "strazh users: укажите одно ИМЯ пользователя (латинские буквы, цифры, . _ -, до 64)",
	"Adds a user of the web review console. The password is asked for on the\nterminal (not echoed) or read as one line of stdin.": "Добавляет пользователя веб-консоли проверки. Пароль запрашивается в\nтерминале (без отображения) или читается одной строкой со стандартного ввода.",
	"Sets a user's new password, asked for on the terminal (not echoed) or read as\none line of stdin. The user's sessions end.":   "Задаёт пользователю новый пароль: он запрашивается в терминале (без\nотображения) или читается одной строкой со стандартного ввода. Сеансы пользователя завершаются.",
	"Removes a user of the web review console and ends their sessions.":                                                            "Удаляет пользователя веб-консоли проверки и завершает его сеансы.",
	"Lists the users of the web review console: name, role, language, when added\nand when the password last changed.":             "Перечисляет пользователей веб-консоли проверки: имя, роль, язык, когда\nдобавлен и когда последний раз менялся пароль.",
	"New password: ":                            "Новый пароль: ",
	"Repeat it: ":                               "Повторите его: ",
	"user %s added, role %s\n":                  "пользователь %s добавлен, роль %s\n",
	"password of %s changed\n":                  "пароль %s изменён\n",
	"user %s removed\n":                         "пользователь %s удалён\n",
	"NAME\tROLE\tLANG\tADDED\tPASSWORD CHANGED": "ИМЯ\tРОЛЬ\tЯЗЫК\tДОБАВЛЕН\tПАРОЛЬ ИЗМЕНЁН",
	"the review console's `address` (port 0: any free one; \"\": no console)": "`адрес` консоли проверки (порт 0: любой свободный; \"\": без консоли)",

	// appeals
	"list citizens' appeals, or close one answered elsewhere or not an appeal": "обращения граждан: список или закрытие (ответили вне соцсети, не обращение)",
	"Lists the citizens' appeals still waiting for the page's answer (every one with\n-all): ID, account, topic, author, deadline and state (open, overdue,\nanswered, elsewhere, not-appeal). `strazh appeals close` closes one without\nposting. Works while the daemon runs (through its admin socket) and when it\nis stopped.": "Перечисляет обращения граждан, ждущие ответа страницы (все — с -all): номер,\nаккаунт, тему, автора, срок и состояние (open — ждёт, overdue — просрочено,\nanswered — отвечено, elsewhere — ответили вне соцсети, not-appeal — не\nобращение). `strazh appeals close` закрывает обращение без публикации.\nРаботает и при запущенном демоне (через его служебный сокет), и при остановленном.",
	"every appeal, answered and closed ones too": "все обращения, и отвеченные, и закрытые",
	"print a JSON array for machines":            "вывести массив JSON для программ",
	"Closes an open appeal without posting: -as elsewhere (answered by phone, in\nperson, on a network strazh cannot post on: counted answered now, on time if\nbefore the deadline) or -as not-appeal (tagged wrongly: left out of the appeal\ncounts, kept as dismissed). Recorded as cli:<user>. Works while the daemon\nruns (through its admin socket) and when it is stopped.": "Закрывает открытое обращение без публикации: -as elsewhere («Ответили вне\nсоцсети»: по телефону, лично, в соцсети, где strazh не может ответить; считается\nотвеченным сейчас, в срок, если до срока) или -as not-appeal («Не обращение»:\nпомечено ошибочно; не входит в учёт обращений, хранится как отклонённое).\nЗаписывается как cli:<пользователь>. Работает и при запущенном демоне (через\nего служебный сокет), и при остановленном.",
	"how it was closed: elsewhere or not-appeal":                                        "как закрыто: elsewhere (ответили вне соцсети) или not-appeal (не обращение)",
	"strazh appeals close: give one appeal ID (a number, as `strazh appeals` lists it)": "strazh appeals close: укажите один номер обращения (число, как в списке `strazh appeals`)",
	"ID\tACCOUNT\tTOPIC\tAUTHOR\tDEADLINE\tSTATE":                                       "НОМЕР\tАККАУНТ\tТЕМА\tАВТОР\tСРОК\tСОСТОЯНИЕ",
	"appeal %d closed as %s by %s\n":                                                    "обращение %d закрыто как %s, закрыл %s\n",
}
