package rules

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/strazh/strazh/rules/normalize"
)

func TestFeatures_ScanText(t *testing.T) {
	tests := []struct {
		text                       string
		links, phones, emails, men int
		host                       string
	}{
		{"см https://Admin.Example.ru/news?id=1", 1, 0, 0, 0, "Admin.Example.ru"},
		{"на gosuslugi.ru и mos.ru.", 2, 0, 0, 0, "gosuslugi.ru"},
		{"наш чат t.me/+AbC", 1, 0, 0, 0, "t.me"},
		{"сайт город.рф", 1, 0, 0, 0, "город.рф"},
		{"т.е. г.Москва, ул.Ленина", 0, 0, 0, 0, ""},
		{"звоните +7 (912) 345-67-89 или 89123456789", 0, 2, 0, 0, ""},
		{"дата 12.05.2023 10 000 рублей", 0, 0, 0, 0, ""},
		{"пишите ivan.petrov@mail.ru", 0, 0, 1, 0, ""},
		{"@ivan_petrov @maria и [id123|Олег]", 0, 0, 0, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var f features
			f.scanText(tt.text)
			if len(f.links) != tt.links || f.phones != tt.phones || f.emails != tt.emails || f.mentions != tt.men {
				t.Fatalf("links=%v phones=%d emails=%d mentions=%d", f.links, f.phones, f.emails, f.mentions)
			}
			if tt.host != "" && f.links[0].host != tt.host {
				t.Errorf("host %q, want %q", f.links[0].host, tt.host)
			}
		})
	}
}

func TestHostIs(t *testing.T) {
	tests := []struct {
		host, domain string
		want         bool
	}{
		{"t.me", "t.me", true}, {"WWW.VK.COM", "vk.com", true}, {"notvk.com", "vk.com", false}, {"vk.com", "m.vk.com", false},
	}
	for _, tt := range tests {
		if got := hostIs(tt.host, tt.domain); got != tt.want {
			t.Errorf("hostIs(%q, %q) = %v", tt.host, tt.domain, got)
		}
	}
}

func TestParsePattern_Forms(t *testing.T) {
	p, err := parsePattern("(на|по)?ху[йя]*")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.forms) != 6 || p.forms[0].anchorEnd || !p.forms[0].anchorStart {
		t.Errorf("forms = %+v", p.forms)
	}
	for _, bad := range []string{"", "*", "(а", "[]", "а)", "?а"} {
		if _, err := parsePattern(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestFeatures_ScanText_HintsGate checks that the normaliser's hints never
// hide a link, an e-mail, a mention or a phone number from the scanner.
func TestFeatures_ScanText_HintsGate(t *testing.T) {
	pieces := []string{"слово", " ", ".", "рф", "ru", "RU", "com", "@", "[id1|x]", "http", "://", "/", "t.me", "+7", "9", "12345",
		"-", "_", "<a href=", ">", "&#46;", "«", ",", "ya", "\u200b", "х", "x", "0", ":"}
	r := rand.New(rand.NewPCG(3, 4))
	var nt normalize.Text
	texts := corpusTexts(t)
	for range 50000 {
		var b []byte
		for range r.IntN(10) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		nt.Normalize(s)
		if nt.Hints > 0 || nt.Digits >= 10 {
			continue
		}
		var f features
		f.scanText(s)
		if len(f.links)+f.phones+f.emails+f.mentions > 0 {
			t.Fatalf("%q: no hints, but links=%v phones=%d emails=%d mentions=%d", s, f.links, f.phones, f.emails, f.mentions)
		}
	}
}

// Issue 8: reply markup addresses a person and is not a mention; markup
// elsewhere and more than two addressees are.
func TestFeatures_ScanText_Addressees(t *testing.T) {
	tests := []struct {
		text            string
		addressees, men int
		mention         string
	}{
		{"[id123|Анна], спасибо", 1, 0, ""},
		{"[id1|Анна], [club2|Администрация], согласна", 2, 0, ""},
		{"[Анна](max://user/55), согласна", 1, 0, ""},
		{"@id77 (Олег), согласен", 1, 0, ""},
		{"[id1|А], [id2|Б], [id3|В], смотрите", 0, 3, "[id1|А]"},
		{"вступайте в [club5|нашу группу]", 0, 1, "[club5|нашу группу]"},
		{"[id|нет номера] текст", 0, 0, ""},
		{"@ivan_petrov согласен", 0, 1, "@ivan_petrov"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var f features
			f.reset()
			f.scanText(tt.text)
			if f.addressees != tt.addressees || f.mentions != tt.men || f.mention != tt.mention {
				t.Errorf("addressees=%d mentions=%d mention=%q", f.addressees, f.mentions, f.mention)
			}
		})
	}
}

func TestParseTrusted(t *testing.T) {
	tests := []struct {
		in         string
		host, path string
		bad        bool
	}{
		{"gosuslugi.ru", "gosuslugi.ru", "", false},
		{"*.gov.ru", "gov.ru", "", false},
		{"https://www.Admin-Gorod.ru/", "admin-gorod.ru", "", false},
		{"vk.com/admin_gorod", "vk.com", "/admin_gorod", false},
		{"", "", "", true},
		{"no domain", "", "", true},
		{"localhost", "", "", true},
	}
	for _, tt := range tests {
		got, err := parseTrusted(tt.in)
		if (err != nil) != tt.bad || got.host != tt.host || got.path != tt.path {
			t.Errorf("parseTrusted(%q) = %+v, %v", tt.in, got, err)
		}
	}
	sites := []trustedSite{{host: "gov.ru"}, {host: "vk.com", path: "/admin_gorod"}}
	for _, tt := range []struct {
		l    link
		want bool
	}{
		{link{text: "https://nalog.gov.ru/x", host: "nalog.gov.ru"}, true},
		{link{text: "notgov.ru", host: "notgov.ru"}, false},
		{link{text: "vk.com/admin_gorod?w=wall-1", host: "vk.com"}, true},
		{link{text: "vk.com/admin_gorodok", host: "vk.com"}, false},
		{link{text: "https://vk.com/other", host: "vk.com"}, false},
	} {
		if got := trusted(tt.l, sites); got != tt.want {
			t.Errorf("trusted(%q) = %v", tt.l.text, got)
		}
	}
}

// TestFeatures_ScanText_CyrillicRuns: scanText steps over eight bytes of
// Cyrillic letters at a time; a word of any length before or after a
// space must change nothing that is found, wherever the eight-byte steps
// end (at a link, a phone number, a mention, a dot).
func TestFeatures_ScanText_CyrillicRuns(t *testing.T) {
	for _, x := range []string{"t.me/x", "https://bit.ly/a.b", "пиши на сайт.рф или ya.ru", "+7 900 123-45-67", "89001234567",
		"@vasya_p", "привет [id1|Вася]", "a@b.ru", "кот.ру", "5000₽", "ok.", "в.к", "тел 8(900)1234567 ок"} {
		var want features
		want.scanText(x)
		for n := range 40 {
			w := strings.Repeat("я", n)
			// and runs of Cyrillic, spaces and punctuation nobody looks at
			p := strings.Repeat("я", n%7) + strings.Repeat(" ", n%3) + strings.Repeat("ё, ", n%5) + strings.Repeat("!?", n%2)
			for _, s := range []string{w + " " + x, x + " " + w, w + " " + x + " " + w + "ё", p + " " + x, x + " " + p, p + p + " " + x + " " + p + "ж"} {
				var got features
				got.scanText(s)
				if !slices.EqualFunc(got.links, want.links, func(a, b link) bool { return a.text == b.text && a.host == b.host }) ||
					got.phones != want.phones || got.emails != want.emails || got.mentions != want.mentions ||
					got.phone != want.phone || got.mention != want.mention {
					t.Fatalf("%q: links %v phones %d emails %d mentions %d (%q %q); alone %q: %v %d %d %d (%q %q)", s,
						got.links, got.phones, got.emails, got.mentions, got.phone, got.mention,
						x, want.links, want.phones, want.emails, want.mentions, want.phone, want.mention)
				}
			}
		}
	}
}

// TestSkipDull_StopsAtEveryInterestingByte: skipDull never steps over a
// byte scanText has to look at, and stops short only in the last seven
// bytes, on random mixes of Cyrillic, spaces, punctuation, Latin letters
// and the interesting bytes.
func TestSkipDull_StopsAtEveryInterestingByte(t *testing.T) {
	pieces := []string{"я", "ё", " ", ",", "!", "a", "h", "t", "@", "+", "[", ".", "5", "\n", "—", "😀"}
	r := rand.New(rand.NewPCG(9, 1))
	for range 5000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		for i := 0; i <= len(s); i++ {
			j := skipDull(s, i)
			for k := i; k < j; k++ {
				if interesting[s[k]] {
					t.Fatalf("skipDull(%q, %d) = %d steps over %q at %d", s, i, j, s[k], k)
				}
			}
			if j < len(s)-7 && !interesting[s[j]] {
				t.Fatalf("skipDull(%q, %d) = %d stops at a dull byte %q", s, i, j, s[j])
			}
		}
	}
}
