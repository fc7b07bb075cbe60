package model

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/strazh/strazh/rules/normalize"
)

type normalizeText = normalize.Text

// toyData is a small corpus written for these tests: rude comments about
// a road repair and polite ones, and spam and chat.
func toyData() []Example {
	rude := []string{"ты дурак и идиот", "сам ты дурак", "идиоты в администрации", "дурак пишет", "какой идиот это сделал",
		"вы дураки", "идиотизм и дураки", "дураку понятно, идиот"}
	polite := []string{"спасибо за ремонт дороги", "когда починят дорогу", "дорога стала лучше", "благодарю администрацию",
		"ремонт идёт медленно", "пожалуйста почините фонарь", "хорошая новость", "когда будет автобус"}
	spam := []string{"заработок от 5000 в день пиши в лс", "быстрый заработок без вложений", "пиши в лс заработок",
		"доход каждый день пиши", "заработок на дому", "лёгкий заработок в лс"}
	var ex []Example
	for _, t := range rude {
		ex = append(ex, Example{Text: t, Labels: []string{"toxic"}, Scope: []string{"toxic"}})
	}
	for _, t := range polite {
		ex = append(ex, Example{Text: t, Scope: []string{"toxic"}})
		ex = append(ex, Example{Text: t, Scope: []string{"spam"}})
	}
	for _, t := range spam {
		ex = append(ex, Example{Text: t, Labels: []string{"spam"}, Scope: []string{"spam"}})
	}
	return ex
}

func toyParams() Params {
	p := DefaultParams()
	p.Bits, p.Epochs = 12, 20
	return p
}

func trainToy(t testing.TB) *Model {
	t.Helper()
	m, err := Train(toyData(), []string{"toxic", "spam"}, toyParams())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func bytesOf(t testing.TB, m *Model) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := m.WriteTo(&b)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(b.Len()) {
		t.Fatalf("WriteTo returned %d, wrote %d", n, b.Len())
	}
	return b.Bytes()
}

func TestTrain_Deterministic(t *testing.T) {
	a, b := bytesOf(t, trainToy(t)), bytesOf(t, trainToy(t))
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings on the same input wrote different bytes")
	}
	p := toyParams()
	p.Seed = 2
	m, err := Train(toyData(), []string{"toxic", "spam"}, p)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, bytesOf(t, m)) {
		t.Fatal("another seed gave the same bytes: the seed is not used")
	}
}

func TestModel_Score_Separates(t *testing.T) {
	m := trainToy(t)
	tests := []struct {
		label, text string
		high        bool
	}{
		{"toxic", "ну ты и дурак", true},
		{"toxic", "Идиоты!!!", true},
		{"toxic", "спасибо за дорогу", false},
		{"spam", "заработок в лс", true},
		{"spam", "когда починят фонарь", false},
	}
	for _, tt := range tests {
		s := m.Score(tt.label, tt.text)
		if (s >= 0.5) != tt.high || s < 0 || s > 1 {
			t.Errorf("Score(%s, %q) = %.3f, want high=%v", tt.label, tt.text, s, tt.high)
		}
	}
	if s := m.Score("threat", "ну ты и дурак"); s != 0 {
		t.Errorf("unknown label scored %g, want 0", s)
	}
}

func TestExample_Target_Scope(t *testing.T) {
	tests := []struct {
		ex        Example
		label     string
		y, counts bool
	}{
		{Example{Labels: []string{"toxic"}, Scope: []string{"toxic"}}, "toxic", true, true},
		{Example{Scope: []string{"toxic"}}, "toxic", false, true},
		{Example{Scope: []string{"spam"}}, "toxic", false, false}, // outside scope: unknown
		{Example{Labels: []string{"insult"}, Scope: []string{"insult"}}, "toxic", false, false},
		{Example{Labels: []string{"insult"}, Scope: []string{"toxic", "insult"}}, "toxic", true, true},
		{Example{Scope: []string{"toxic"}}, "insult", false, true},                             // clean for toxic: clean for each kind
		{Example{Labels: []string{"toxic"}, Scope: []string{"toxic"}}, "insult", false, false}, // which kind is unknown
	}
	for i, tt := range tests {
		y, ok := tt.ex.target(tt.label)
		if y != tt.y || ok != tt.counts {
			t.Errorf("%d: target(%s) = %v,%v, want %v,%v", i, tt.label, y, ok, tt.y, tt.counts)
		}
	}
}

func TestModel_ReadWrite_RoundTrip(t *testing.T) {
	m := trainToy(t)
	b := bytesOf(t, m)
	r, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, bytesOf(t, r)) {
		t.Fatal("read-then-write changed the bytes")
	}
	for _, s := range []string{"ты дурак", "спасибо", "заработок"} {
		if a, b := m.Score("toxic", s), r.Score("toxic", s); a != b {
			t.Errorf("%q: %g before, %g after reading", s, a, b)
		}
	}
	if r.Info().DataHash != DataHash(toyData()) || r.Info().ParamsHash != toyParams().Hash() {
		t.Error("provenance lost in the file")
	}
}

func TestRead_BadFiles(t *testing.T) {
	good := bytesOf(t, trainToy(t))
	old := bytes.Clone(good)
	old[8] = 0 // format version 0
	flipped := bytes.Clone(good)
	flipped[len(flipped)-100] ^= 0x40
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"not a model", []byte("hello, this is a text file\n"), "bad magic"},
		{"old version", old, "format version 0"},
		{"truncated", good[:len(good)/2], "truncated"},
		{"corrupted", flipped, "checksum"},
		{"trailing data", append(bytes.Clone(good), 0), "after the checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.data))
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Read = %v, want ErrFormat saying %q", err, tt.want)
			}
		})
	}
}

func TestTrain_BadInput(t *testing.T) {
	bad := toyParams()
	bad.Bits = 40
	badCount := toyParams()
	badCount.MinCount = -1
	badEpochs := toyParams()
	badEpochs.LabelEpochs = map[string]int{"spam": 0}
	badStop := toyParams()
	badStop.Stop = map[string][]string{"toxic": {"ты", " "}}
	tests := []struct {
		name   string
		labels []string
		p      Params
		want   string
	}{
		{"no labels", nil, toyParams(), "no labels"},
		{"twice", []string{"toxic", "toxic"}, toyParams(), "twice"},
		{"not in scope", []string{"obscenity_x"}, toyParams(), `"obscenity_x": no example`},
		{"no positives", []string{"threat"}, toyParams(), `"threat": no positive or no negative`},
		{"bad params", []string{"toxic"}, bad, "bits"},
		{"bad min_count", []string{"toxic"}, badCount, "min_count"},
		{"bad label epochs", []string{"toxic"}, badEpochs, "label_epochs[spam]"},
		{"empty stop word", []string{"toxic"}, badStop, "stop[toxic][1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(toyData(), tt.labels, tt.p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Train = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestModel_Adapt_LearnsThePage(t *testing.T) {
	m := trainToy(t)
	const word = "понаехавшие" // unseen by the base model
	text := "опять эти " + word
	before := m.Score("toxic", text)
	var page []Example
	for i := 0; i < 5; i++ {
		page = append(page, Example{Text: fmt.Sprintf("%s %d раз", word, i), Labels: []string{"toxic"}, Scope: []string{"toxic"}})
	}
	page = append(page, Example{Text: "жалоба на ямы", Labels: []string{"complaint"}, Scope: []string{"complaint"}})
	a, err := m.Adapt(page, AdaptParams{})
	if err != nil {
		t.Fatal(err)
	}
	if after := a.Score("toxic", text); after <= before+0.15 || after < 0.5 {
		t.Errorf("toxic %.3f before, %.3f after adapting on the word: not learned", before, after)
	}
	if got := a.Labels(); len(got) != 3 || got[2] != "complaint" {
		t.Errorf("labels after adapting: %v, want the custom label added", got)
	}
	// the rest stays: a polite comment stays clean, spam stays spam
	if s := a.Score("toxic", "спасибо за ремонт"); s >= 0.5 {
		t.Errorf("adapting on one word made a polite comment toxic: %.3f", s)
	}
	if math.Abs(a.Score("spam", "заработок в лс")-m.Score("spam", "заработок в лс")) > 1e-6 {
		t.Error("a label without page examples changed")
	}
	if m.Score("toxic", text) != before {
		t.Error("Adapt changed the base model")
	}
	a2, _ := m.Adapt(page, AdaptParams{})
	if !bytes.Equal(bytesOf(t, a), bytesOf(t, a2)) {
		t.Error("Adapt is not deterministic")
	}
	if a.Info().Base == "" || a.Info().Adapted != len(page) {
		t.Errorf("adapted info %+v does not name its base", a.Info())
	}
}

func TestModel_Explain(t *testing.T) {
	m := trainToy(t)
	fs := m.Explain("toxic", "ну ты дурак", 3)
	if len(fs) != 3 {
		t.Fatalf("Explain gave %d features, want 3", len(fs))
	}
	inner := strings.Trim(fs[0].Text, "«»")
	if !strings.Contains(" дурак ", inner) || fs[0].Weight <= 0 {
		t.Errorf("strongest feature %+v, want one of «дурак» pushing toward toxic", fs[0])
	}
	for i := 1; i < len(fs); i++ {
		if math.Abs(fs[i].Weight) > math.Abs(fs[i-1].Weight) {
			t.Errorf("features not sorted by strength: %+v", fs)
		}
	}
}

func TestModel_Score_Concurrent(t *testing.T) {
	m := trainToy(t)
	want := m.Score("toxic", "ты дурак")
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				if s := m.Score("toxic", "ты дурак"); s != want {
					errs <- fmt.Sprintf("got %g, want %g", s, want)
					return
				}
				m.Score("spam", strings.Repeat("заработок ", i%7))
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestModel_Score_NoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	m := trainToy(t)
	m.Score("toxic", "прогрев пула")
	if n := testing.AllocsPerRun(100, func() { m.Score("toxic", "ну ты и дурак, Вася") }); n != 0 {
		t.Errorf("Score allocates %.1f times per call", n)
	}
}

func BenchmarkModel_Score(b *testing.B) {
	m := Shipped()
	text := "Уважаемая администрация, когда наконец отремонтируют дорогу на улице Ленина? Уже третий год обещаете."
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		m.Score("toxic", text)
	}
}

// logits is featurizer.walk written out for speed; they must agree, for
// each feature setting and number of labels.
func TestFeatures_LogitsAgree(t *testing.T) {
	texts := []string{"", "а", "ну ты и дурак, Вася", "Заработок от 5000₽ в день!!! пиши @vasya t.me/x",
		strings.Repeat("оченьдлинноеслово", 10) + " и ещё", "ё-моё 123 ###"}
	for _, inner := range []bool{false, true} {
		for _, labels := range [][]string{{"toxic"}, {"toxic", "spam"}, {"toxic", "spam", "x"}} {
			p := toyParams()
			p.Inner = inner
			ex := toyData()
			ex = append(ex, Example{Text: "икс", Labels: []string{"x"}, Scope: []string{"x"}}, Example{Text: "игрек", Scope: []string{"x"}})
			m, err := Train(ex, labels, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range texts {
				var nt normalizeText
				nt.Normalize(text)
				got := make([]float64, len(labels))
				m.ScoreNormalized(nt.N, got)
				for li := range labels {
					sum, cnt := 0.0, 0
					m.f.walk(nt.N, func(b uint32, _, _, _ int) {
						sum += float64(m.scale[li]) * float64(m.q[int(b)*len(labels)+li])
						cnt++
					})
					want := sigmoid(float64(m.bias[li]) + lengthScale(cnt, p.MinFeatures)*sum)
					if math.Abs(got[li]-want) > 1e-5 {
						t.Errorf("inner=%v labels=%d %q label %d: logits %g, walk %g", inner, len(labels), text, li, got[li], want)
					}
				}
			}
		}
	}
}

// AdaGrad divided each step by the accumulated gradient, so the page
// weight cancelled out: weight 4, 10 and 30 scored alike.
func TestModel_Adapt_WeightScalesThePage(t *testing.T) {
	m := trainToy(t)
	const text = "опять эти понаехавшие"
	var page []Example
	for i := 0; i < 5; i++ {
		page = append(page, Example{Text: fmt.Sprintf("понаехавшие %d раз", i), Labels: []string{"toxic"}, Scope: []string{"toxic"}})
	}
	prev := m.Score("toxic", text)
	for _, w := range []float64{1, 4, 16} {
		a, err := m.Adapt(page, AdaptParams{Weight: w})
		if err != nil {
			t.Fatal(err)
		}
		s := a.Score("toxic", text)
		if s < prev+0.02 {
			t.Errorf("weight %g: toxic %.3f, not above %.3f of the lighter weight", w, s, prev)
		}
		prev = s
	}
	// model.learn.weight allows up to 1000: the step is capped, not diverging
	a, err := m.Adapt(page, AdaptParams{Weight: 1000, Rate: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s := a.Score("toxic", "спасибо за ремонт"); math.IsNaN(s) || s >= 0.5 {
		t.Errorf("weight 1000: a polite comment scores %.3f", s)
	}
	if s := a.Score("toxic", text); s < 0.5 {
		t.Errorf("weight 1000: the page's word scores %.3f", s)
	}
}

// TestTrain_MinCount_DropsRareNgrams: an n-gram seen in fewer rows than
// MinCount learns nothing (a word met once would otherwise carry the
// label of its one row); without MinCount the same word scores rude.
func TestTrain_MinCount_DropsRareNgrams(t *testing.T) {
	ex := append(toyData(), Example{Text: "жмыхоед", Labels: []string{"toxic"}, Scope: []string{"toxic"}})
	tests := []struct {
		name     string
		minCount int
		rude     bool
	}{
		{"kept without min_count", 0, true},
		{"dropped below min_count", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := toyParams()
			p.Bits, p.MinCount = 18, tt.minCount
			m, err := Train(ex, []string{"toxic"}, p)
			if err != nil {
				t.Fatal(err)
			}
			rare, none := m.Score("toxic", "жмыхоед"), m.Score("toxic", "")
			if got := rare > none+0.01; got != tt.rude {
				t.Errorf("score of the word met once %.3f, of no text %.3f: rude %v, want %v", rare, none, got, tt.rude)
			}
			if !tt.rude && rare != none {
				t.Errorf("score of a dropped word %v, want the bias alone %v", rare, none)
			}
		})
	}
}

// TestTrain_LabelEpochs_OnlyItsLabel: a label's own epochs change that
// label's weights and leave the others' as they were.
func TestTrain_LabelEpochs_OnlyItsLabel(t *testing.T) {
	base := trainToy(t)
	p := toyParams()
	p.LabelEpochs = map[string]int{"toxic": 1}
	m, err := Train(toyData(), []string{"toxic", "spam"}, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"ты дурак и идиот", "заработок в лс", "спасибо за ремонт"} {
		if a, b := base.Score("spam", text), m.Score("spam", text); a != b {
			t.Errorf("%q: spam %v with toxic's own epochs, %v without: want equal", text, b, a)
		}
	}
	if a, b := base.Score("toxic", "ты дурак и идиот"), m.Score("toxic", "ты дурак и идиот"); a == b {
		t.Errorf("toxic score %v with 1 epoch and with %d: want different", a, p.Epochs)
	}
	if p.Hash() == toyParams().Hash() {
		t.Error("label epochs leave the params hash unchanged")
	}
}

// TestTrain_Stop_AddressGetsNoWeight: in the toy data, as on 2ch, the
// rude rows address someone (ты, вы); a stop word's own features learn
// nothing for its label, so «ты» alone scores as no text does, while
// without the stop list it scores rude. Other labels keep their weights.
func TestTrain_Stop_AddressGetsNoWeight(t *testing.T) {
	ex := append(toyData(),
		Example{Text: "ты сам идиот", Labels: []string{"toxic"}, Scope: []string{"toxic"}},
		Example{Text: "ты дурачок", Labels: []string{"toxic"}, Scope: []string{"toxic"}},
		Example{Text: "вы идиоты", Labels: []string{"toxic"}, Scope: []string{"toxic"}},
		Example{Text: "можешь не писать, идиот", Labels: []string{"toxic"}, Scope: []string{"toxic"}},
		Example{Text: "иди сам проверь, дурачок", Labels: []string{"toxic"}, Scope: []string{"toxic"}})
	for _, tt := range []struct {
		name  string
		stop  map[string][]string
		words []string
		rude  bool
	}{
		{"learned without a stop list", nil, []string{"ты", "вы", "можешь", "иди"}, true},
		{"nothing with ты as a stop word", map[string][]string{"toxic": SecondPerson}, []string{"ты", "вы"}, false},
		{"nothing with the address list", map[string][]string{"toxic": Address}, []string{"ты", "вы", "можешь", "иди", "сам"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := toyParams()
			p.Bits, p.Stop, p.MinCount = 18, tt.stop, 0
			m, err := Train(ex, []string{"toxic", "spam"}, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.words {
				got, none := m.Score("toxic", w), m.Score("toxic", "")
				if rude := got > none+0.01; rude != tt.rude {
					t.Errorf("toxic of %q %.3f, of no text %.3f: rude %v, want %v", w, got, none, rude, tt.rude)
				}
				if !tt.rude && got != none {
					t.Errorf("toxic of the stop word %q %v, want the bias alone %v", w, got, none)
				}
			}
			if m.Score("toxic", "ты дурак и идиот") < 0.5 {
				t.Errorf("a rude comment with ты scores %.3f: the stop list took the insult's weight too", m.Score("toxic", "ты дурак и идиот"))
			}
		})
	}
	a, b := toyParams(), toyParams()
	b.Stop = nil
	if a.Hash() == b.Hash() {
		t.Error("a stop list leaves the params hash unchanged")
	}
}
