package normalize

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// twoPass normalises s the slow way: classify everything, then emit.
func twoPass(s string) *Text {
	t := &Text{}
	t.Reset()
	t.scan(s)
	t.fixNumberWords()
	t.N = append(t.N, Space)
	t.NPos = append(t.NPos, 0)
	t.emitTokens(t.chars)
	if n := len(t.NPos); n > 0 {
		t.NPos[n-1] = int32(len(s))
	}
	t.joinSingles()
	if t.altSeen {
		t.altReadings(s)
	}
	if len(t.T) > 0 {
		t.T = append(t.T, Space)
		t.TPos = append(t.TPos, int32(len(s)))
	}
	return t
}

func sameText(t *testing.T, s string, got *Text) {
	t.Helper()
	want := twoPass(s)
	if string(got.N) != string(want.N) || !slices.Equal(got.NPos, want.NPos) ||
		string(got.T) != string(want.T) || !slices.Equal(got.TPos, want.TPos) || got.Stats != want.Stats {
		t.Fatalf("Normalize(%q):\n N %q %v\n T %q\n %+v\nwant\n N %q %v\n T %q\n %+v", s,
			Decode(got.N), got.NPos, Decode(got.T), got.Stats, Decode(want.N), want.NPos, Decode(want.T), want.Stats)
	}
}

func TestText_Normalize_FusedMatchesTwoPass(t *testing.T) {
	var got Text
	cases := []string{
		"", " ", "слово", "Слово, слово! Ещё-раз... да,бля х у й и в к", "OXYEHHO круто", "OXYEHHO cool story",
		"п2.72здец 3.14здец 2.72111блан", "сайт.рф и https://vk.com/x", "a\xd1", "\xd1\xd1\xd1", "ё Ё ЁЁ",
		"-слово- .слово. слово:// слово:", "я и ты в о у", "х<b>у</b>й <br>слово", "12 000 руб 500$",
		"ССЫЛКА в био", "мама\u200bмыла", "хууууй", "E6AHOE", "бл9ть", "Её", "(слово) [слово] {слово} \"слово\"",
	}
	for _, s := range cases {
		got.Normalize(s)
		sameText(t, s, &got)
	}
	// random strings over a small alphabet of troublesome pieces
	pieces := []string{"а", "Б", "ё", "Ё", "х", "у", "й", "x", "y", "H", "O", "E", "6", "0", "3", ".", "-", " ", ",", ":", "//",
		"*", "@", "$", "<b>", "<br>", "&nbsp;", "\u200b", "\xd1", "\n", "ь", "b", "3.14", "2.72", "1", "—", "«", "і", "с", "С", "c", "сс"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b []byte
		for range r.IntN(12) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		got.Normalize(string(b))
		sameText(t, string(b), &got)
	}
}

func TestText_Normalize_FusedMatchesTwoPassCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", "*.jsonl"))
	if len(files) == 0 {
		t.Skip("corpus not available")
	}
	var got Text
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<22)
		for sc.Scan() {
			var r struct {
				Text string `json:"text"`
			}
			if json.Unmarshal(sc.Bytes(), &r) != nil {
				continue
			}
			got.Normalize(r.Text)
			sameText(t, r.Text, &got)
		}
		fh.Close()
	}
}

// TestText_Normalize_FusedMatchesTwoPassWords aims random texts at the
// fused pass's plain-token path (plainRun, plainLetters): words of Cyrillic
// letters, mostly plain, now and then with a look-alike Latin letter or
// digit, a combining mark, an invisible or broken byte, ё/Ё or upper case
// inside, between white space and punctuation.
func TestText_Normalize_FusedMatchesTwoPassWords(t *testing.T) {
	var letters []string
	for r := 'а'; r <= 'я'; r++ {
		letters = append(letters, string(r))
	}
	intruders := []string{"ё", "Ё", "А", "Ж", "С", "сс", "o", "a", "x", "H", "M", "0", "3", "6", "1", "\u0301",
		"\u200b", "\xd1", "\xd0", "\xd1\x9f", "і", "ο", "α", "}{", ")(", "*", "@", "-", ".", "ь"}
	seps := []string{" ", " ", " ", "  ", "\t", "\n", ", ", ". ", "! ", "? ", " - ", "-", "...", ":", "://", "(", ")", "«", "» ", "—"}
	r := rand.New(rand.NewPCG(7, 9))
	var got Text
	for range 20000 {
		var b []byte
		for w := r.IntN(8); w >= 0; w-- {
			for n := 1 + r.IntN(12); n > 0; n-- {
				if r.IntN(25) == 0 {
					b = append(b, intruders[r.IntN(len(intruders))]...)
				} else {
					b = append(b, letters[r.IntN(len(letters))]...)
				}
			}
			b = append(b, seps[r.IntN(len(seps))]...)
		}
		got.Normalize(string(b))
		sameText(t, string(b), &got)
	}
}
