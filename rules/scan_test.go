package rules

import (
	"math/rand/v2"
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
