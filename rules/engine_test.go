package rules

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func builtin(t testing.TB) *Engine {
	t.Helper()
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func eval(e *Engine, text string) *moderation.Result {
	var res moderation.Result
	e.Evaluate(&moderation.Comment{Text: text, Account: "city", Author: moderation.Author{ID: "42", Name: "Иван"}}, nil, &res)
	return &res
}

func TestEngine_SelfTest_Builtin(t *testing.T) {
	if err := builtin(t).SelfTest(); err != nil {
		t.Fatal(err)
	}
}

// Clean words that contain obscene roots must never be flagged.
func TestEngine_Evaluate_Traps(t *testing.T) {
	e := builtin(t)
	traps := []string{
		"Не надо оскорблять сотрудников администрации",
		"Запрещено употреблять алкоголь во дворе",
		"Надо истреблять борщевик вдоль дороги",
		"Модель корабля в музее",
		"Проезд подорожал на три рубля",
		"Застрахуйте машину до зимы",
		"Подстрахуй соседа на лестнице",
		"Командир части поздравил ветеранов",
		"Мандарины к Новому году",
		"Депутат сложил мандат",
		"Хулиган разбил остановку",
		"Скипидаром отмыли краску",
		"Колебание цен на рынке",
		"Собрание 12 ноября",
		"Выставка икебана в библиотеке",
		"Открылся салон, педикюр и маникюр",
		"Её банить не за что",
		"Учебник и решебник для школы",
		"Сухую траву надо убрать",
		"Веб-аналитик из мэрии",
		"Колеблется курс рубля",
		"Влюбляться весной",
		"Страховка обязательна",
		"Заштрихуй карту района",
		"Бляха на ремне курсанта",
		"Стебель у цветов на клумбе",
		"Мебельный магазин",
		"Небо над городом",
		"Себе и тебе по билету",
		"Глебу вручили грамоту",
		"Приспособляться к ремонту",
		"Хлебало мимо ушей",
		"Амударья и Сырдарья",
		"Перебор с парковками",
	}
	for _, text := range traps {
		t.Run(text, func(t *testing.T) {
			if res := eval(e, text); res.Verdict != moderation.Allow {
				t.Errorf("%q: got %s %v (%v)", text, res.Verdict, res.Labels, res.Matches)
			}
		})
	}
}

// Every disguise of the issue must be read as мат and deleted.
func TestEngine_Evaluate_Disguises(t *testing.T) {
	e := builtin(t)
	tests := []string{
		"да пошёл ты нахуй", "ХУЙ", "Х.у.Й", "х у й", "х-у-й", "х_у_й", "п2.72здец", "3.14здец",
		"пи<i>да&lt;ра</i>сы", "х*й", "б**дь", "п****ц", "хууууууй", "х\u200bуй", "xуй", "бляtь",
		"пи3да", "е6ля", "DHIWE E6AHOE", "hui", "blyad", "pizdec", "ПиЗдЮк", "заебали", "долбоёб",
		"съебал", "охуеть", "нихуя", "распиздяй", "выблядок", "мудак", "ｈｕｉ",
		"}{уй", "иди на}{уй", ")(уйня какая-то",
	}
	for _, text := range tests {
		t.Run(text, func(t *testing.T) {
			res := eval(e, text)
			if res.Verdict < moderation.Delete || !slices.Contains(res.Labels, "obscenity") {
				t.Errorf("%q: got %s %v", text, res.Verdict, res.Labels)
			}
		})
	}
}

func TestEngine_Evaluate_Labels(t *testing.T) {
	e := builtin(t)
	tests := []struct {
		text    string
		verdict moderation.Verdict
		label   string
		urgent  bool
	}{
		{"ты дебил", moderation.Review, "insult", false},
		{"я тебя найду и зарежу", moderation.Review, "threat", true},
		{"Мефедрон, закладки по городу, пиши @shop", moderation.Delete, "illegal", false}, // a drug shop with a contact
		{"Мефедрон — это наркотик, берегите детей", moderation.Allow, "", false},
		{"Ищу людей в команду, доход от 5000 в день, пиши в лс", moderation.Delete, "spam", false},
		{"Выиграл 26000 рублей в казино, играю тут @big_casino_bot", moderation.Delete, "spam", false},
		{"Когда починят дорогу на улице Ленина?", moderation.Allow, "", false},
		{"Администрация, уберите мусор во дворе, пожалуйста", moderation.Allow, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := eval(e, tt.text)
			if res.Verdict != tt.verdict || (tt.label != "" && !slices.Contains(res.Labels, tt.label)) || res.Urgent != tt.urgent {
				t.Errorf("got %s %v urgent=%v, want %s %s urgent=%v", res.Verdict, res.Labels, res.Urgent, tt.verdict, tt.label, tt.urgent)
			}
		})
	}
}

// fakeHistory answers every question with fixed counts.
type fakeHistory struct {
	violations, comments, similar int
	known                         bool
}

func (f fakeHistory) Violations(string, string, time.Time) int { return f.violations }
func (f fakeHistory) Comments(string, string, time.Time) int   { return f.comments }
func (f fakeHistory) Similar(string, moderation.Fingerprint, float64, time.Time) int {
	return f.similar
}
func (f fakeHistory) SimilarByAuthor(string, string, moderation.Fingerprint, float64, time.Time) int {
	return f.similar
}
func (f fakeHistory) Known(string, string) bool { return f.known }

func compile(t *testing.T, yml string, cfg Config) *Engine {
	t.Helper()
	e, err := compileSources([]source{{name: "test.yaml", data: []byte(yml)}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const semanticsYAML = `
lexicons:
  bad: ["плох*"]
rules:
  - id: allowlist
    action: allow
    priority: 100
    stop: true
    when: {words: ["белый список"]}
  - id: bad
    label: rude
    action: delete
    priority: 10
    escalate: {after: 2, within: 30d, action: ban, ban_for: 7d}
    reason: "{{rule}} {{label}} {{author}}: {{match}}"
    when: {lexicon: bad}
  - id: flood
    label: spam
    action: review
    when:
      flood: 5
      within: 10m
  - id: dup
    label: spam
    action: delete
    when:
      duplicates: 3
      within: 24h
  - id: newbie_link
    label: spam
    action: review
    accounts: [city]
    when:
      all: [{author_new: true}, {link: true}]
  - id: page
    action: review
    exempt: true
    when: {author_page: true}
`

func TestEngine_Evaluate_Semantics(t *testing.T) {
	e := compile(t, semanticsYAML, Config{Builtin: "none"})
	tests := []struct {
		name    string
		text    string
		h       moderation.History
		author  moderation.Author
		account string
		verdict moderation.Verdict
		rules   []string
		banFor  time.Duration
	}{
		{name: "plain delete", text: "это плохо", verdict: moderation.Delete, rules: []string{"bad"}},
		{name: "escalated to ban", text: "это плохо", h: fakeHistory{violations: 2, known: true}, verdict: moderation.Ban, rules: []string{"bad"}, banFor: 7 * 24 * time.Hour},
		{name: "not yet escalated", text: "это плохо", h: fakeHistory{violations: 1, known: true}, verdict: moderation.Delete, rules: []string{"bad"}},
		{name: "stop rule wins", text: "белый список, но плохо", verdict: moderation.Allow, rules: []string{"allowlist"}},
		{name: "flood", text: "ещё раз", h: fakeHistory{comments: 5, known: true}, verdict: moderation.Review, rules: []string{"flood"}},
		{name: "copy-paste", text: "одно и то же", h: fakeHistory{similar: 3, known: true}, verdict: moderation.Delete, rules: []string{"dup"}},
		{name: "new author link", text: "смотри example.ru", verdict: moderation.Review, rules: []string{"newbie_link"}},
		{name: "known author link", text: "смотри example.ru", h: fakeHistory{known: true}, verdict: moderation.Allow},
		{name: "other account", text: "смотри example.ru", account: "other", verdict: moderation.Allow},
		{name: "managers exempt", text: "это плохо", author: moderation.Author{ID: "1", IsManager: true}, verdict: moderation.Allow},
		{name: "exempt rule still runs", text: "текст", author: moderation.Author{ID: "-1", IsPage: true}, verdict: moderation.Review, rules: []string{"page"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &moderation.Comment{Text: tt.text, Account: "city", Author: tt.author, Created: time.Now()}
			if tt.account != "" {
				c.Account = tt.account
			}
			if c.Author.ID == "" {
				c.Author = moderation.Author{ID: "42", Name: "Иван"}
			}
			var res moderation.Result
			e.Evaluate(c, tt.h, &res)
			var got []string
			for _, m := range res.Matches {
				got = append(got, m.Rule)
			}
			if res.Verdict != tt.verdict || !slices.Equal(got, tt.rules) || res.BanFor != tt.banFor {
				t.Errorf("got %s %v ban %v, want %s %v ban %v", res.Verdict, got, res.BanFor, tt.verdict, tt.rules, tt.banFor)
			}
		})
	}
	res := eval(e, "всё плохо")
	if len(res.Matches) != 1 || res.Matches[0].Reason != "bad rude Иван: плохо" || res.Matches[0].Matched != "плохо" {
		t.Errorf("reason/match = %+v", res.Matches)
	}
}

func TestLoad_Errors(t *testing.T) {
	tests := []struct {
		name, yml string
		want      []string // substrings of the error
	}{
		{"unknown key", "rules:\n  - id: a\n    wehn: {link: true}\n", []string{"test.yaml:3:", "rules[0].wehn", "unknown key"}},
		{"bad action", "rules:\n  - id: a\n    action: nuke\n    when: {link: true}\n", []string{"test.yaml:3:", "rules[0].action", "nuke"}},
		{"unknown lexicon", "rules:\n  - id: a\n    when:\n      lexicon: nope\n", []string{"test.yaml:4:", "rules[0].when.lexicon", "no lexicon named"}},
		{"bad regex", "rules:\n  - id: a\n    when:\n      any:\n        - regex: \"(\"\n", []string{"test.yaml:5:", "rules[0].when.any[0].regex", "missing closing"}},
		{"bad duration", "rules:\n  - id: a\n    when:\n      flood: 3\n      within: soon\n", []string{"test.yaml:5:", "rules[0].when.within", "ожидается длительность, например 30d"}},
		{"bad entry", "lexicons:\n  x: [\"(а|б\"]\nrules: []\n", []string{"test.yaml:2:", "lexicons.x[0]", "unclosed"}},
		{"duplicate id", "rules:\n  - id: a\n    when: {link: true}\n  - id: a\n    when: {link: true}\n", []string{"test.yaml:4:", "duplicate rule id"}},
		{"no when", "rules:\n  - id: a\n    action: review\n", []string{"test.yaml:2:", "no when"}},
		{"syntax", "rules: [\n", []string{"test.yaml:", "yaml"}},
		{"placeholder", "rules:\n  - id: a\n    reason: \"{{who}}\"\n    when: {link: true}\n", []string{"test.yaml:2:", "rules[0].reason", "{{who}}"}},
		{"modifier without owner", "rules:\n  - id: a\n    when:\n      link: true\n      min: 2\n", []string{"test.yaml:5:", "min goes with"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileSources([]source{{name: "test.yaml", data: []byte(tt.yml)}}, Config{Builtin: "none"})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			var fe *FileError
			if tt.name != "syntax" && !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FileError", err)
			}
		})
	}
}

func TestEngine_SelfTest_Failures(t *testing.T) {
	yml := `rules:
  - id: links
    action: review
    when: {link: true}
    examples:
      match:
        - "без ссылок"
      no_match:
        - "см example.ru"
examples:
  no_match:
    - "и тут example.com"
`
	e := compile(t, yml, Config{Builtin: "none"})
	err := e.SelfTest()
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"test.yaml:7:", "rule links", "must match", "test.yaml:9:", "must not match", "test.yaml:12:"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"default", DefaultConfig(), ""},
		{"bad builtin", Config{Builtin: "en"}, "rules.builtin"},
		{"empty file", Config{Files: []string{"a.yaml", " "}}, "rules.files[1]"},
		{"empty disable", Config{Disable: []string{""}}, "rules.disable[0]"},
		{"bad word", Config{Words: map[string][]string{"mat": {"(а"}}}, "rules.words.mat[0]"},
		{"bad action", Config{Actions: map[string]string{"spam.casino": "maybe"}}, "rules.actions.spam.casino"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLoad_Config(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "rules.d"), 0o755)
	os.WriteFile(filepath.Join(dir, "rules.d", "a.yaml"), []byte("rules:\n  - id: local.a\n    action: review\n    when: {words: [\"шлагбаум*\"]}\n"), 0o644)
	cfg := Config{
		Builtin:             "ru",
		Files:               []string{"rules.d/*.yaml"},
		Disable:             []string{"insults.rude", "threats"},
		Words:               map[string][]string{"insult": {"хамл(о|а|у)"}},
		BannedOrganisations: []string{"запрещённая организация икс"},
		Actions:             map[string]string{"spam.casino": "review"},
	}
	e, err := Load(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		rule string // "" for none
	}{
		{"опять шлагбаум сломан", "local.a"},
		{"какая хрень", ""},
		{"я тебя убью", ""},
		{"ты хамло", "insults.personal"},
		{"вступайте в Запрещённую организацию Икс", "illegal.banned_org"},
	}
	for _, tt := range tests {
		res := eval(e, tt.text)
		var got string
		if len(res.Matches) > 0 {
			got = res.Matches[0].Rule
		}
		if got != tt.rule {
			t.Errorf("%q: rule %q, want %q", tt.text, got, tt.rule)
		}
	}
	for _, ri := range e.Rules() {
		switch ri.ID {
		case "spam.casino":
			if ri.Action != "review" {
				t.Errorf("spam.casino action %s", ri.Action)
			}
		case "threats.personal", "insults.rude":
			if ri.Enabled {
				t.Errorf("%s still enabled", ri.ID)
			}
		}
	}
	_, err = Load(Config{Builtin: "ru", Files: []string{"missing/*.yaml"}, Disable: []string{"nope"}}, dir)
	if err == nil || !strings.Contains(err.Error(), "rules.files[0]") {
		t.Errorf("missing file: %v", err)
	}
	_, err = Load(Config{Builtin: "ru", Disable: []string{"nope"}}, dir)
	if err == nil || !strings.Contains(err.Error(), "rules.disable[0]") {
		t.Errorf("unknown disable: %v", err)
	}
}

// Golden files: each testdata/*.yaml is loaded on its own; its rule list
// and the verdicts on its examples are compared with *.golden.
func TestLoad_Golden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			e, err := Load(Config{Builtin: "none", Files: []string{filepath.Base(f)}}, "testdata")
			if err != nil {
				t.Fatal(err)
			}
			if err := e.SelfTest(); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, r := range e.Rules() {
				fmt.Fprintf(&b, "rule %s label=%s action=%s ban_for=%s priority=%d pack=%s line=%d enabled=%v\n",
					r.ID, r.Label, r.Action, r.BanFor, r.Priority, r.Pack, r.Line, r.Enabled)
			}
			for _, fl := range e.files {
				var exs []entrySpec
				for _, r := range fl.rules {
					exs = append(exs, r.examples.match...)
					exs = append(exs, r.examples.noMatch...)
				}
				exs = append(exs, fl.examples.match...)
				exs = append(exs, fl.examples.noMatch...)
				for _, ex := range exs {
					res := eval(e, ex.src)
					fmt.Fprintf(&b, "%q -> %s %v", ex.src, res.Verdict, res.Labels)
					for _, m := range res.Matches {
						fmt.Fprintf(&b, " [%s %s %q %q]", m.Rule, m.Action, m.Matched, m.Reason)
					}
					b.WriteString("\n")
				}
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s differs (run with -update to accept):\n%s", golden, b.String())
			}
		})
	}
}

func TestEngine_Evaluate_Concurrent(t *testing.T) {
	e := builtin(t)
	texts := []string{"ты дебил", "Х.у.Й", "Когда починят дорогу?", "Ищу людей в команду, доход от 5000 в день, пиши в лс", "х*й", "hui", "https://t.me/+abc крипта"}
	want := make([]moderation.Verdict, len(texts))
	for i, s := range texts {
		want[i] = eval(e, s).Verdict
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res moderation.Result
			for i := range 300 {
				k := (i + g) % len(texts)
				res.Reset()
				e.Evaluate(&moderation.Comment{Text: texts[k]}, nil, &res)
				if res.Verdict != want[k] {
					t.Errorf("%q: %s, want %s", texts[k], res.Verdict, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestEngine_Evaluate_Allocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	e := builtin(t)
	c := &moderation.Comment{Text: "Добрый день! Подскажите, когда на улице Ленина починят освещение и уберут мусор у остановки? Уже месяц темно."}
	var res moderation.Result
	n := testing.AllocsPerRun(200, func() {
		res.Reset()
		e.Evaluate(c, nil, &res)
	})
	if n > 0 {
		t.Errorf("%v allocs per clean comment, want 0", n)
	}
}

// Issue 8: what a citizen writes under an official post is not spam:
// replies, sums, links to state sites; a reason never ends in an empty
// match; advertising is still deleted, also next to a citizen's topic.
func TestEngine_Evaluate_SpamAddressing(t *testing.T) {
	e, err := Load(Config{Builtin: "ru", TrustedDomains: []string{"admin-gorod.ru"}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	tests := []verdictCase{
		{"[id5|Светлана], спасибо, дозвонилась", moderation.Allow},
		{"[id5|Светлана], [id6|Олег], у нас так же", moderation.Allow},
		{"@olga_s согласна с вами", moderation.Allow},
		{"Плачу 4200 за отопление, а в квартире холодно", moderation.Allow},
		{"Доход семьи 30 тысяч, за садик 3500 в месяц", moderation.Allow},
		{"Запись через https://www.gosuslugi.ru/10999/1", moderation.Allow},
		{"График на сайте https://admin-gorod.ru/grafik", moderation.Allow},
		{"Отчёт тут: publication.pravo.gov.ru/document/1", moderation.Allow},
		{"График на сайте https://admin-gorod-info.ru/grafik", moderation.Review},
		{"Родители школьников! Подработка 2000 в день, пишите в лс", moderation.Delete},
		{"Раздаю 5000 первым троим, пишите + в лс", moderation.Delete},
		{"Нужен курьер забрать посылку, 3000 сразу, пиши в тг", moderation.Delete},
	}
	checkVerdicts(t, e, tests)
}
