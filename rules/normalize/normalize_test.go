package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText_Normalize_Disguises(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case and ё", "ЁЛКА Ёж", "елка еж"},
		{"combining breve", "и\u0306од", "йод"},
		{"dots", "Х.у.Й", "хуй"},
		{"spaces", "х у й", "хуй"},
		{"hyphens", "х-у-й", "хуй"},
		{"underscores", "х_у_й", "хуй"},
		{"e as 2.72", "п2.72здец", "пездец"},
		{"pi as 3.14", "3.14здец", "пиздец"},
		{"digit padding", "2.72111блан", "еблан"},
		{"html tags and entities", "пи<i>да&lt;ра</i>сы", "пидарасы"},
		{"block tag splits", "слово<br>слово", "слово слово"},
		{"stretched", "хууууууй", "хуй"},
		{"leading double с kept", "Ссора ссылка cсать сс", "ссора ссылка ссать сс"},
		{"stretched leading с", "сссука ссс", "сука с"},
		{"double с inside collapses", "касса обоссать", "каса обосать"},
		{"zero width", "х\u200bу\u200dй", "хуй"},
		{"soft hyphen", "сло\u00adво", "слово"},
		{"latin lookalikes", "xуйня", "хуйня"},
		{"parens between words stay brackets", "(привет)(пока) смайл )(", "привет пока смайл"},
		{"braces before latin stay", "x}{y", "x y"},
		{"latin lower m is т", "пapmнepы", "партнеры"},
		{"latin upper H is н", "CPOЧHO", "срочно"},
		{"latin t in word", "бляtь", "блять"},
		{"digits in word", "пи3да е6ля", "пизда ебля"},
		{"9 as я", "бл9", "бля"},
		{"1 of an ordinal stays a number", "1ая линия, 1й подъезд, к1", "0ая линия 0й подъезд к0"},
		{"at as а", "з@работок", "заработок"},
		{"all-caps lookalikes with digit", "E6AHOE", "ебаное"},
		{"greek", "ρα6σтσй", "работой"},
		{"small caps", "ᴋогдα ᴍоᴄт", "когда мост"},
		{"fullwidth and math", "ｈｕｉ 𝐡𝐮𝐢", "hui hui"},
		{"ukrainian letters", "пишіть", "пишить"},
		{"masks kept", "х*й б**дь", "х*й б**дь"},
		{"dots as mask", "б..дь", "б**дь"},
		{"ellipsis between words splits", "адаптор...хуятор", "адаптор хуятор"},
		{"numbers", "1900р в час 12 000 руб", "0р в час 0 руб"},
		{"currency", "8000$ и 500 ₽", "0 $ и 0 $"},
		{"o as zero", "15oo рублей", "0 рублей"},
		{"links dropped", "см https://vk.com/x и @user_name и a@b.ru", "см и и"},
		{"slash splits", "7000р/день", "0р день"},
		{"sentence punctuation splits", "да,бля", "да бля"},
		{"long pieces split at dot", "привет.как дела", "привет как дела"},
		{"two single letters stay", "я и ты", "я и ты"},
		{"no join across words", "Её банить", "е банить"},
		{"invalid utf8", "ху\xffй", "ху й"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestText_Normalize_Translit(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hui", "хуи"},
		{"blyad", "бляд"},
		{"pizdec", "пиздец"},
		{"suka", "сука"},
		{"cyka", "сука"}, // the visual reading
		{"huesos", "хуесос"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var x Text
			x.Normalize(tt.in)
			if got := Decode(x.T); !strings.Contains(got, " "+tt.want+" ") {
				t.Errorf("T(%q) = %q, want it to hold %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestText_Normalize_Stats(t *testing.T) {
	var x Text
	x.Normalize("СРОЧНО нужны пapmнepы 🔥🔥 х*й")
	if x.Mixed != 1 || x.Emoji != 2 || x.Masked != 1 || x.Upper != 6 {
		t.Errorf("stats = %+v", x.Stats)
	}
}

func TestText_Normalize_Positions(t *testing.T) {
	in := "Ну и Х.у.Й тебе, ёлки"
	var x Text
	x.Normalize(in)
	if len(x.N) != len(x.NPos) {
		t.Fatalf("len(N)=%d len(NPos)=%d", len(x.N), len(x.NPos))
	}
	for i, b := range x.N {
		if b == Space {
			continue
		}
		off := int(x.NPos[i])
		if off < 0 || off >= len(in) || !utf8.RuneStart(in[off]) {
			t.Errorf("N[%d]=%q points at %d, not a rune start", i, Decode([]byte{b}), off)
		}
	}
}

func TestText_Normalize_Garbage(t *testing.T) {
	inputs := []string{"", " ", "\xff\xfe\xfd", strings.Repeat("а", 100000), strings.Repeat("х.", 5000), "<<<<>>>>&&&&;;;;", "3.14", "2.72.72.72", "@", "*", "**а**"}
	var x Text
	for _, in := range inputs {
		x.Normalize(in)
		if len(x.N) != len(x.NPos) || len(x.T) != len(x.TPos) {
			t.Errorf("%q: positions out of step", in[:min(len(in), 20)])
		}
	}
}

func BenchmarkText_Normalize(b *testing.B) {
	s := "Ищeм oтветcтвeннoго пoмощникa для выпoлнения неcложных пoрyчений. Зaрaботок - 7600 рyб зa парy часов, пиши в лс! Администрация, когда починят дорогу?"
	var x Text
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		x.Normalize(s)
	}
}

// }{ and )( for х and a 1 between letters for и are read a second time
// into T; N keeps the plain reading (the learned model is built on N).
func TestText_Normalize_SecondReading(t *testing.T) {
	tests := []struct{ in, n, tr string }{
		{"}{уй тебе", "уй тебе", "хуй"},
		{"иди на}{уй", "иди на уй", "нахуй"},
		{"Ну )(уйня же", "ну уйня же", "хуйня"},
		{"Ш1шки по городу", "ш0шки по городу", "шишки"},
		{"(привет)(пока)", "привет пока", ""}, // )( inside a word stays brackets
		{"2х1х1 метра", "0х0х0 метра", ""},    // a 1 among digits is a number
		{"1ая линия", "0ая линия", ""},
		// masks of the second reading; N as before
		{"на х...й", "на х***й", "х+й"},                            // a run of dots: any number of letters
		{"п..ц", "п**ц", "п+ц"},                                    //
		{"х…й", "х й", "х+й"},                                      // the typographic ellipsis
		{"п!здец", "п здец", "п*здец"},                             // a sign for one letter
		{"пи$дец", "пи $ дец", "пи*дец"},                           //
		{"х°й", "х й", "х*й"},                                      //
		{"оху3ть", "охузть", "оху*ть"},                             // a digit for any letter, not only its look-alike
		{"ну... ладно", "ну ладно", ""},                            // an ellipsis before a space
		{"так...и знал", "так и знал", ""},                         // before a particle: between words
		{"за...а потом", "за а потом", ""},                         // in N too (not за***а)
		{"пишите!Вам ответят", "пишите вам ответят", "пишите*вам"}, // read, but no entry can match it
		{"5$ 20° 20°С :-) т.е.", "0 $ 0 с те", ""},
		{"ура!", "ура", ""},
	}
	for _, tt := range tests {
		var x Text
		x.Normalize(tt.in)
		if n, tr := Decode(trimSpace(x.N)), strings.Join(strings.Fields(Decode(x.T)), " "); n != tt.n || tr != tt.tr {
			t.Errorf("Normalize(%q): N %q T %q, want N %q T %q", tt.in, n, tr, tt.n, tt.tr)
		}
	}
}
