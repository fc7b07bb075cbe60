package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// demoText is the demo's wording in one language (telegram.language).
type demoText struct {
	verdict, outcome         map[moderation.Verdict]string
	human, failed            string
	summary, decided         string
	first, final             string
	total, reviewsDecided    string
	network, rules, noRules  string
	pressed, pressed2, noTap string
	intro, state, audit      string
	more                     string
}

var demoTexts = map[string]demoText{
	"ru": {
		verdict: map[moderation.Verdict]string{moderation.Allow: "✔ оставлен", moderation.Review: "? на проверку",
			moderation.Delete: "✖ удалён", moderation.Ban: "⊘ удалён+бан"},
		outcome: map[moderation.Verdict]string{moderation.Allow: "оставлен", moderation.Review: "на проверке",
			moderation.Delete: "удалён", moderation.Ban: "удалён+бан"},
		human: "решение модератора %s: %s", failed: "%s не удалось: %s",
		summary: "── Итог (%s) ──", decided: "Комментариев решено: %d",
		first: "  первое решение:  ", final: "  итог:            ", total: "всего %d",
		reviewsDecided: "  на проверку ушло %d, модератор решил %d, ждут решения %d",
		network:        "В соцсети: удалено комментариев %d, забанено авторов %d; сообщений в чате проверки %d",
		rules:          "Сработавшие правила (все, сколько раз):", noRules: "Ни одно правило не сработало.",
		pressed: "модератор нажал «%s»", pressed2: "модератор нажал «%s» → «%s»", noTap: "модератор: не удалось нажать «%s»: %v",
		intro: "strazh demo: %d комментариев за %s на имитации страницы %s; чат проверки тоже имитирован.",
		more:  " (и ещё правил: %d)",
		state: "состояние: %s   журнал: %s", audit: "Все решения сохранены. Посмотреть их:",
	},
	"en": {
		verdict: map[moderation.Verdict]string{moderation.Allow: "✔ kept", moderation.Review: "? to review",
			moderation.Delete: "✖ deleted", moderation.Ban: "⊘ deleted+ban"},
		outcome: map[moderation.Verdict]string{moderation.Allow: "kept", moderation.Review: "in review",
			moderation.Delete: "deleted", moderation.Ban: "deleted+ban"},
		human: "moderator %s decided: %s", failed: "%s failed: %s",
		summary: "── Summary (%s) ──", decided: "Comments decided: %d",
		first: "  first verdict:   ", final: "  final outcome:   ", total: "total %d",
		reviewsDecided: "  sent to review %d, decided by the moderator %d, still waiting %d",
		network:        "On the network: %d comments deleted, %d authors banned; %d messages in the review chat",
		rules:          "Rules that fired (all, with counts):", noRules: "No rule fired.",
		pressed: "moderator pressed «%s»", pressed2: "moderator pressed «%s» → «%s»", noTap: "moderator: could not press «%s»: %v",
		intro: "strazh demo: %d comments over %s on a simulated %s page; review chat simulated.",
		more:  " (+%d more rules)",
		state: "state: %s   log: %s", audit: "Every decision is kept. Read them with:",
	},
}

// demoButtonsEN are the review chat's English button words for the
// Russian ones the demo's script and press secretary tap (the English
// cards say Keep, Reply…; their callbacks are the Russian cards').
var demoButtonsEN = map[string]string{
	"Оставить": "Keep", "Удалить": "Delete", "Удалить и забанить": "Delete and ban",
	"1 день": "1 day", "1 неделя": "1 week", "1 месяц": "1 month", "Навсегда": "Forever",
	"Ответить": "Reply",
}

// demoView prints decisions as they happen, one aligned line each, and the
// summary at the end.
type demoView struct {
	mu      sync.Mutex
	w       io.Writer
	tx      demoText
	en      bool // the review chat speaks English: button words are demoButtonsEN
	color   bool
	first   map[uint64]moderation.Verdict // the first verdict of each decision
	final   map[uint64]moderation.Verdict // the outcome as it stands now
	decided map[uint64]bool               // human decisions already shown
	rules   map[string]int
	reasons map[string]string // a rule's reason, as first seen, without the match
	pages   bool              // several pages: each line names its page
	start   time.Time
	now     func() time.Time
}

func newDemoView(w io.Writer, language string) *demoView {
	tx, ok := demoTexts[language]
	if !ok {
		tx = demoTexts["ru"]
	}
	color := isTerminal(w) && os.Getenv("NO_COLOR") == ""
	return &demoView{w: w, tx: tx, en: ok && language == "en", color: color, first: map[uint64]moderation.Verdict{}, final: map[uint64]moderation.Verdict{},
		decided: map[uint64]bool{}, rules: map[string]int{}, reasons: map[string]string{}, start: time.Now(), now: time.Now}
}

// button is the card's word for the Russian button ru, in the chat's language.
func (v *demoView) button(ru string) string {
	if en, ok := demoButtonsEN[ru]; ok && v.en {
		return en
	}
	return ru
}

func (v *demoView) paint(code, s string) string {
	if !v.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

var verdictColor = map[moderation.Verdict]string{moderation.Allow: "32", moderation.Review: "33",
	moderation.Delete: "31", moderation.Ban: "35"}

// pad cuts or fills s to n display columns.
func pad(s string, n int) string {
	s = fitWidth(cleanCell(s), n)
	return s + strings.Repeat(" ", n-displayWidth(s))
}

// bareReason is a match's reason without the matched text the rule put at
// its end, so one rule has one reason in the summary.
func bareReason(m moderation.Match) string {
	if m.Matched != "" {
		for _, tail := range []string{": " + m.Matched, ": «" + m.Matched + "»"} {
			if r, ok := strings.CutSuffix(m.Reason, tail); ok {
				return r
			}
		}
	}
	// The model's reasons end in its scores (spam 1.00, toxic 0.09 · spam
	// 0.00): one comment's numbers would stand for the whole rule.
	if r := modelScores.ReplaceAllString(m.Reason, ""); r != m.Reason {
		return strings.TrimSuffix(strings.TrimSpace(r), ":")
	}
	return m.Reason
}

var modelScores = regexp.MustCompile(`:?\s*\(?[a-z_]+ [0-9]+\.[0-9]+( · [a-z_]+ [0-9]+\.[0-9]+)*\)?$`)

func (v *demoView) decision(d *moderation.Decision) {
	v.mu.Lock()
	defer v.mu.Unlock()
	ts := v.now().Format("15:04:05")
	f := d.Final()
	if _, seen := v.first[d.ID]; !seen {
		v.first[d.ID], v.final[d.ID] = f, f
		for _, m := range d.Matches {
			v.rules[m.Rule]++
			if _, ok := v.reasons[m.Rule]; !ok {
				v.reasons[m.Rule] = bareReason(m)
			}
		}
		// The strongest rule's reason; the summary lists every rule.
		reason := ""
		if len(d.Matches) > 0 {
			reason = "  — " + d.Matches[0].Reason
			if n := len(d.Matches) - 1; n > 0 {
				reason += fmt.Sprintf(v.tx.more, n)
			}
		}
		page := ""
		if v.pages {
			page = pad(d.Comment.Account, 10) + " "
		}
		fmt.Fprintf(v.w, "%s %s %s%s «%s»%s\n", ts, v.paint(verdictColor[f], pad(v.tx.verdict[f], 13)),
			page, pad(d.Comment.Author.Name, 18), excerpt(cleanCell(d.Comment.Text), 60), v.paint("2", cleanCell(reason)))
		return
	}
	v.final[d.ID] = f
	// A later call: actions ran, or a human decided.
	if d.Review != nil && d.Review.Status == moderation.ReviewDecided && !v.decided[d.ID] {
		v.decided[d.ID] = true
		word := v.tx.outcome[d.Review.Verdict]
		fmt.Fprintf(v.w, "%s   ↳ %s «%s»\n", ts, fmt.Sprintf(v.tx.human, d.Review.ByName, v.paint(verdictColor[d.Review.Verdict], word)),
			excerpt(cleanCell(d.Comment.Text), 40))
	}
	for _, a := range d.Actions {
		if a.State == moderation.ActionFailed {
			fmt.Fprintf(v.w, "%s   ↳ %s\n", ts, fmt.Sprintf(v.tx.failed, a.Type, a.Error))
		}
	}
}

func (v *demoView) note(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fmt.Fprintf(v.w, "%s   ↳ %s\n", v.now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (v *demoView) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.first)
}

// counts is a verdict tally and its line: every verdict shown, zeros too,
// so the parts visibly add up to the total.
func (v *demoView) counts(m map[uint64]moderation.Verdict) string {
	n := map[moderation.Verdict]int{}
	for _, x := range m {
		n[x]++
	}
	var parts []string
	for x := moderation.Allow; x <= moderation.Ban; x++ {
		parts = append(parts, fmt.Sprintf("%s %d", v.tx.outcome[x], n[x]))
	}
	return strings.Join(parts, " · ") + "  (" + fmt.Sprintf(v.tx.total, len(m)) + ")"
}

func (v *demoView) summary(deleted, banned, chatMessages int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fmt.Fprintf(v.w, "\n%s\n", fmt.Sprintf(v.tx.summary, v.now().Sub(v.start).Round(time.Second)))
	fmt.Fprintln(v.w, fmt.Sprintf(v.tx.decided, len(v.first)))
	fmt.Fprintln(v.w, v.tx.first+v.counts(v.first))
	fmt.Fprintln(v.w, v.tx.final+v.counts(v.final))
	reviews, waiting := 0, 0
	for id, f := range v.first {
		if f == moderation.Review {
			reviews++
			if v.final[id] == moderation.Review {
				waiting++
			}
		}
	}
	fmt.Fprintln(v.w, fmt.Sprintf(v.tx.reviewsDecided, reviews, len(v.decided), waiting))
	fmt.Fprintln(v.w, fmt.Sprintf(v.tx.network, deleted, banned, chatMessages))
	if len(v.rules) == 0 {
		fmt.Fprintln(v.w, v.tx.noRules)
		return
	}
	type kv struct {
		k string
		n int
	}
	var top []kv
	width := 0
	for k, n := range v.rules {
		top = append(top, kv{k, n})
		width = max(width, displayWidth(k))
	}
	sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || (top[i].n == top[j].n && top[i].k < top[j].k) })
	fmt.Fprintln(v.w, v.tx.rules)
	for _, e := range top {
		fmt.Fprintf(v.w, "  %3d  %s  %s\n", e.n, pad(e.k, width), cleanCell(v.reasons[e.k]))
	}
}

// selfCommand is how to run this strazh again from the same shell: the
// path as typed when it has a slash (./bin/strazh), "strazh" when that is
// what PATH finds, else the absolute path; `go run` builds vanish, so for
// them it is `go run ./cmd/strazh`.
func selfCommand() string {
	exe, err := os.Executable()
	if err != nil {
		return "strazh"
	}
	return selfCommandFor(os.Args[0], exe, os.TempDir(), exec.LookPath)
}

func selfCommandFor(arg0, exe, tmp string, lookPath func(string) (string, error)) string {
	if strings.HasPrefix(exe, filepath.Join(tmp, "go-build")) || strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "go run ./cmd/strazh"
	}
	if strings.ContainsRune(arg0, filepath.Separator) {
		return shellQuote(arg0)
	}
	if p, err := lookPath(arg0); err == nil {
		if a, err := filepath.Abs(p); err == nil && a == exe {
			return arg0
		}
	}
	return shellQuote(exe)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ':' || r == '=' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
