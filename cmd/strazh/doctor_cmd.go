package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/review"
)

// Exit statuses of strazh doctor: 0 everything works, 1 something is
// wrong (a token, a right, an expiry, an account the network did not
// answer for), 2 the check itself could not run (configuration, socket).
const (
	exitDoctorProblem = 1
	exitDoctorFailed  = 2
)

const doctorAbout = "Checks every account and token: works, broken or expiring, the rights held\nand needed, the last decision and the account guard's events of the last\n7 days. With the daemon running it asks the daemon, which checks with its\nown tokens; otherwise it checks with the configured ones (read-only\ncalls). Exit status: 0 all is well, 1 something is wrong, 2 the check\ncould not run. For a cron job or the strazh-doctor.timer."

func cmdDoctor(ctx context.Context, args []string, s stdio) error {
	return doctorMain(ctx, args, s, nil)
}

// doctorMain is cmdDoctor with the HTTP client for the networks (tests).
func doctorMain(ctx context.Context, args []string, s stdio, client *http.Client) error {
	fs := newFlags("doctor", "-config FILE [-json] [-lang ru|en]", doctorAbout, s)
	path := fs.String("config", "/etc/strazh/config.yaml", "configuration `file`")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	lang := fs.String("lang", "", "language of the table: ru or en (default: the review chat's language, else ru)")
	timeout := fs.Duration("timeout", 30*time.Second, "bounds each account's calls to its network")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		for _, e := range config.Flatten(err) {
			fmt.Fprintln(s.err, e)
		}
		return exitError{exitDoctorFailed}
	}
	if *lang == "" {
		*lang = review.LangRU
		if cfg.Telegram != nil && cfg.Telegram.Language != "" {
			*lang = cfg.Telegram.Language
		}
	}
	if *lang != review.LangRU && *lang != review.LangEN {
		fmt.Fprintf(s.err, "strazh doctor: -lang: %q is not ru or en\n", *lang)
		return errUsage
	}
	rep, running, err := askDaemon(ctx, cfg.SocketPath())
	switch {
	case running && err != nil:
		fmt.Fprintf(s.err, "strazh doctor: the daemon runs but did not answer: %v\n", err)
		return exitError{exitDoctorFailed}
	case !running:
		if rep, err = directDoctor(ctx, cfg, client, time.Now(), *timeout); err != nil {
			fmt.Fprintf(s.err, "strazh doctor: %v\n", err)
			return exitError{exitDoctorFailed}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		renderDoctor(s.out, rep, *lang)
	}
	if !rep.OK {
		return exitError{exitDoctorProblem}
	}
	return nil
}

// doctorWords are the table's words per language.
var doctorWords = map[string]map[string]string{
	review.LangRU: {
		"title": "strazh doctor · %s · %s", "daemon": "проверено демоном", "direct": "проверено напрямую",
		"account": "АККАУНТ", "network": "СЕТЬ", "state": "СОСТОЯНИЕ", "tokens": "ТОКЕНЫ", "rights": "ПРАВА",
		"last": "ПОСЛЕДНЕЕ РЕШЕНИЕ", "ok": "в порядке", "bad": "ПРОБЛЕМА", "works": "работает", "broken": "НЕ РАБОТАЕТ",
		"all": "все", "missing": "нет: %s", "none": "—", "unguarded": "сеть не сообщает",
		"managers": "руководители", "settings": "настройки", "expires": "токен истекает %s (через %s)",
		"guard": "охрана: проверка %s, без замечаний %s", "never": "никогда", "events": "события за 7 дней",
		"problems": "проблемы", "held": "права: есть %s; нужны %s", "summary_ok": "Итог: всё в порядке.",
		"summary_bad": "Итог: есть проблемы (аккаунтов с проблемами: %d из %d).", "store": "база",
		"token": "токен %s: %s", "paused": "Автоматические действия на паузе с %s (%s), %s: всё идёт на проверку.",
		"until": "до %s", "until_resume": "до /resume",
	},
	review.LangEN: {
		"title": "strazh doctor · %s · %s", "daemon": "checked by the daemon", "direct": "checked directly",
		"account": "ACCOUNT", "network": "NETWORK", "state": "STATE", "tokens": "TOKENS", "rights": "RIGHTS",
		"last": "LAST DECISION", "ok": "ok", "bad": "PROBLEM", "works": "works", "broken": "BROKEN",
		"all": "all", "missing": "missing: %s", "none": "—", "unguarded": "not reported by the network",
		"managers": "managers", "settings": "settings", "expires": "token expires %s (in %s)",
		"guard": "guard: checked %s, last clean %s", "never": "never", "events": "events of the last 7 days",
		"problems": "problems", "held": "rights: held %s; needed %s", "summary_ok": "Summary: all is well.",
		"summary_bad": "Summary: problems on %d of %d accounts.", "store": "database",
		"token": "token %s: %s", "paused": "Automatic actions paused since %s (%s), %s: everything goes to review.",
		"until": "until %s", "until_resume": "until /resume",
	},
}

// renderDoctor prints the report as a table and, per account, what is
// wrong and what the guard saw.
func renderDoctor(w io.Writer, r doctorReport, lang string) {
	t := doctorWords[lang]
	stamp := func(at time.Time) string {
		if at.IsZero() {
			return t["never"]
		}
		return at.UTC().Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(w, t["title"]+"\n\n", stamp(r.Checked), t[r.Via])
	if p := r.Paused; p != nil {
		until := t["until_resume"]
		if !p.Until.IsZero() {
			until = fmt.Sprintf(t["until"], stamp(p.Until))
		}
		fmt.Fprintf(w, t["paused"]+"\n\n", stamp(p.At), p.By, until)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t["account"], t["network"], t["state"], t["tokens"], t["rights"], t["last"])
	bad := 0
	for _, a := range r.Accounts {
		state := t["ok"]
		if !a.OK {
			state = t["bad"]
			bad++
		}
		var toks []string
		for _, tok := range a.Tokens {
			mark := "✓"
			if tok.State != "works" {
				mark = "✗"
			}
			toks = append(toks, tok.Name+" "+mark)
		}
		tokens := strings.Join(toks, ", ")
		rights := t["all"]
		switch {
		case !a.Guarded:
			tokens, rights = t["unguarded"], t["none"]
		case len(a.Missing) > 0:
			rights = fmt.Sprintf(t["missing"], strings.Join(a.Missing, ", "))
		}
		if tokens == "" {
			tokens = t["none"]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Name, a.Network, state, tokens, rights, stamp(a.LastDecision))
	}
	tw.Flush()
	for _, a := range r.Accounts {
		fmt.Fprintf(w, "\n%s (%s)\n", a.Name, a.Network)
		for _, tok := range a.Tokens {
			line := fmt.Sprintf(t["token"], tok.Name, t[tok.State])
			if tok.Error != "" {
				line += " — " + tok.Error
			}
			fmt.Fprintf(w, "  %s\n", line)
		}
		if a.Guarded {
			fmt.Fprintf(w, "  "+t["held"]+"\n", orNone(t, a.Rights), orNone(t, a.Needed))
		}
		if !a.Expires.IsZero() {
			fmt.Fprintf(w, "  "+t["expires"]+"\n", stamp(a.Expires), a.Expires.Sub(r.Checked).Round(time.Minute))
		}
		if len(a.Managers) > 0 {
			var ms []string
			for _, m := range a.Managers {
				who := m.ID
				if m.Name != "" {
					who = m.Name + " (" + m.ID + ")"
				}
				ms = append(ms, who+" — "+word(doctorRoles[lang], m.Role))
			}
			fmt.Fprintf(w, "  %s: %s\n", t["managers"], strings.Join(ms, "; "))
		}
		if len(a.Settings) > 0 {
			var ss []string
			for _, k := range slices.Sorted(maps.Keys(a.Settings)) {
				ss = append(ss, k+"="+a.Settings[k])
			}
			fmt.Fprintf(w, "  %s: %s\n", t["settings"], strings.Join(ss, ", "))
		}
		if !a.GuardChecked.IsZero() {
			fmt.Fprintf(w, "  "+t["guard"]+"\n", stamp(a.GuardChecked), stamp(a.GuardOK))
		}
		if len(a.Events) > 0 {
			fmt.Fprintf(w, "  %s:\n", t["events"])
			for _, ev := range a.Events {
				fmt.Fprintf(w, "    %s  %s\n", stamp(ev.At), review.SecurityText(lang, ev))
			}
		}
		if len(a.Problems) > 0 {
			fmt.Fprintf(w, "  %s:\n", t["problems"])
			for _, p := range a.Problems {
				fmt.Fprintf(w, "    - %s\n", problemText(lang, p))
			}
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "\n%s: %s\n", t["store"], p)
	}
	fmt.Fprintln(w)
	if r.OK {
		fmt.Fprintln(w, t["summary_ok"])
	} else {
		fmt.Fprintf(w, t["summary_bad"]+"\n", bad, len(r.Accounts))
	}
}

// doctorRoles are the managers' roles in the table's language.
var doctorRoles = map[string]map[string]string{
	review.LangRU: {"administrator": "администратор", "editor": "редактор", "moderator": "модератор",
		"creator": "владелец", "advertiser": "рекламодатель", "manager": "руководитель"},
}

// problemPrefixes translate the start of the guard's problem texts
// (moderation/guard.Diff); the rest is the network's own message.
var problemPrefixes = map[string][][2]string{
	review.LangRU: {{"right missing: ", "нет права: "}, {"token expires ", "токен истекает "},
		{"managers: ", "руководители не прочитаны: "}, {"access: ", "права не прочитаны: "},
		{"settings: ", "настройки не прочитаны: "}},
}

func problemText(lang, p string) string {
	for _, pp := range problemPrefixes[lang] {
		if rest, ok := strings.CutPrefix(p, pp[0]); ok {
			return pp[1] + rest
		}
	}
	return p
}

func word(m map[string]string, s string) string {
	if v, ok := m[s]; ok {
		return v
	}
	return s
}

func orNone(t map[string]string, xs []string) string {
	if len(xs) == 0 {
		return t["none"]
	}
	return strings.Join(xs, ", ")
}

// Russian help of strazh doctor (help.go's table; kept here so the
// command's texts live in one file).
func init() {
	for en, ru := range map[string]string{
		"check every account and token: state, rights, last success, security events": "проверить каждый аккаунт и токен: состояние, права, последний успех, события безопасности",
		doctorAbout:               "Проверяет каждый аккаунт и токен: работает, сломан или скоро истечёт, какие\nправа есть и какие нужны, последнее решение и события охраны аккаунтов за\n7 дней. Если демон запущен, спрашивает демон (он проверяет своими токенами);\nиначе проверяет токенами из конфигурации (только чтение). Код выхода: 0 всё\nв порядке, 1 есть проблема, 2 проверка не удалась. Для cron или таймера\nstrazh-doctor.timer (запуск раз в день).",
		"print JSON for machines": "вывести JSON для программ",
		"language of the table: ru or en (default: the review chat's language, else ru)": "язык таблицы: ru или en (по умолчанию язык чата проверки, иначе ru)",
		"bounds each account's calls to its network":                                     "предел времени на запросы одного аккаунта к его соцсети",
	} {
		helpRU[en] = ru
	}
}
