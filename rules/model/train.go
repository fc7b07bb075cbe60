package model

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/strazh/strazh/rules/normalize"
)

// Params are every knob of training; all of them are part of the
// provenance hash, so a model records exactly how it was made.
type Params struct {
	Bits       int     `json:"bits"`        // log2 of the hash buckets (10..24)
	CharMin    int     `json:"char_min"`    // shortest character n-gram, counting word-edge spaces
	CharMax    int     `json:"char_max"`    // longest character n-gram
	WordNgrams int     `json:"word_ngrams"` // 0: none, 1: words, 2: words and word pairs
	Epochs     int     `json:"epochs"`      // passes over the data
	Rate       float64 `json:"rate"`        // AdaGrad learning rate
	L2         float64 `json:"l2"`          // L2 penalty on each weight an example touches
	Seed       uint64  `json:"seed"`        // order of the passes
	KFold      int     `json:"kfold"`       // >1: also measure out of fold into Info.Metrics
	// NB > 0 scales each feature by its naive-Bayes log-count ratio
	// (NB-LR, Wang & Manning 2012) with this smoothing; the ratio is folded
	// into the stored weights, so scoring costs nothing more.
	NB float64 `json:"nb"`
	// Inner also takes character n-grams from inside words (see
	// features.go for why the default leaves them out).
	Inner bool `json:"inner"`
	// MinFeatures: a text with fewer features is scaled as if it had this
	// many (see lengthScale).
	MinFeatures int `json:"min_features"`
	// MinCount > 0 drops every bucket seen in fewer training rows of the
	// label (its weight stays 0): a rare n-gram learns the few rows it was
	// in, not the language (see rules/model/README.md).
	MinCount int `json:"min_count,omitempty"`
	// LabelEpochs overrides Epochs for the labels it names: toxic gains
	// from more passes, spam's money talk turns overconfident with them.
	LabelEpochs map[string]int `json:"label_epochs,omitempty"`
	// Stop names, per label, words whose own features (the word, its
	// stems and endings) get no weight (with NB > 0). A second-person
	// address is how one corpus insults and how every resident speaks to
	// the administration: learned, it follows its corpus onto every page
	// (rules/model/README.md, part 4).
	Stop map[string][]string `json:"stop,omitempty"`
}

// forLabel is p with the label's own epochs.
func (p Params) forLabel(label string) Params {
	if e, ok := p.LabelEpochs[label]; ok {
		p.Epochs = e
	}
	return p
}

// DefaultParams are the parameters of the shipped model, chosen by 5-fold
// cross-validation on the development corpus (see rules/model/README.md).
func DefaultParams() Params {
	return Params{Bits: 19, CharMin: 4, CharMax: 6, WordNgrams: 1, Epochs: 10, Rate: 0.2, L2: 1e-5, Seed: 1, KFold: 0, NB: 1, MinFeatures: 100, MinCount: 5,
		LabelEpochs: map[string]int{"toxic": 20}, Stop: map[string][]string{"toxic": Address}}
}

// SecondPerson are the forms of ты, вы, твой and ваш.
var SecondPerson = []string{"ты", "тебя", "тебе", "тобой", "тобою", "вы", "вас", "вам", "вами",
	"твой", "твоя", "твое", "твои", "твоего", "твоей", "твоим", "твоих", "твою", "твоему", "твоими",
	"ваш", "ваша", "ваше", "ваши", "вашего", "вашей", "вашим", "ваших", "вашу", "вашему", "вашими"}

// Address is what toxic learns nothing from: SecondPerson, the commonest
// verbs in the second person (можешь, знаете: their endings «ешь », «ете »
// are how 2ch's insults address someone and how a resident asks the
// administration) and the words of address around them (иди, сам, себе).
// A model trained on 2ch alone sent russe's clean rows to review for them
// (rules/model/README.md, part 6).
var Address = append(slices.Clip(SecondPerson), "можешь", "знаешь", "хочешь", "думаешь", "понимаешь", "делаешь",
	"говоришь", "пишешь", "будешь", "сможешь", "читаешь", "видишь", "считаешь", "живешь", "работаешь", "несешь",
	"можете", "знаете", "хотите", "думаете", "понимаете", "делаете", "говорите", "пишете", "будете",
	"иди", "идите", "сам", "сама", "сами", "себя", "себе")

// Validate names the first bad knob.
func (p Params) Validate() error {
	var errs []error
	if p.Bits < 10 || p.Bits > 24 {
		errs = append(errs, fmt.Errorf("bits: %d out of 10..24", p.Bits))
	}
	if p.CharMin < 1 || p.CharMax < p.CharMin || p.CharMax > 8 {
		errs = append(errs, fmt.Errorf("char n-grams: %d..%d, want 1 <= min <= max <= 8", p.CharMin, p.CharMax))
	}
	if p.WordNgrams < 0 || p.WordNgrams > 2 {
		errs = append(errs, fmt.Errorf("word_ngrams: %d, want 0, 1 or 2", p.WordNgrams))
	}
	if p.Epochs < 1 || p.Epochs > 100 {
		errs = append(errs, fmt.Errorf("epochs: %d out of 1..100", p.Epochs))
	}
	if !(p.Rate > 0) || p.Rate > 10 {
		errs = append(errs, fmt.Errorf("rate: %g out of (0, 10]", p.Rate))
	}
	if !(p.L2 >= 0) || p.L2 > 1 {
		errs = append(errs, fmt.Errorf("l2: %g out of [0, 1]", p.L2))
	}
	if !(p.NB >= 0) || p.NB > 100 {
		errs = append(errs, fmt.Errorf("nb: %g out of [0, 100]", p.NB))
	}
	if p.MinFeatures < 0 || p.MinFeatures > 1000 {
		errs = append(errs, fmt.Errorf("min_features: %d out of 0..1000", p.MinFeatures))
	}
	for _, l := range slices.Sorted(maps.Keys(p.LabelEpochs)) {
		if e := p.LabelEpochs[l]; e < 1 || e > 100 {
			errs = append(errs, fmt.Errorf("label_epochs[%s]: %d out of 1..100", l, e))
		}
	}
	for _, l := range slices.Sorted(maps.Keys(p.Stop)) {
		for i, w := range p.Stop[l] {
			if strings.TrimSpace(w) == "" {
				errs = append(errs, fmt.Errorf("stop[%s][%d]: empty word", l, i))
			}
		}
	}
	if p.MinCount < 0 || p.MinCount > 1000 {
		errs = append(errs, fmt.Errorf("min_count: %d out of 0..1000", p.MinCount))
	}
	if p.KFold < 0 || p.KFold == 1 || p.KFold > 20 {
		errs = append(errs, fmt.Errorf("kfold: %d, want 0 or 2..20", p.KFold))
	}
	return errors.Join(errs...)
}

// Hash is the hex sha256 of the parameters.
func (p Params) Hash() string {
	s := fmt.Sprintf("bits=%d char=%d..%d word=%d epochs=%d rate=%g l2=%g seed=%d kfold=%d nb=%g inner=%v minf=%d",
		p.Bits, p.CharMin, p.CharMax, p.WordNgrams, p.Epochs, p.Rate, p.L2, p.Seed, p.KFold, p.NB, p.Inner, p.MinFeatures)
	if p.MinCount != 0 { // added later: zero keeps the older models' hashes
		s += fmt.Sprintf(" mincount=%d", p.MinCount)
	}
	for _, l := range slices.Sorted(maps.Keys(p.LabelEpochs)) {
		s += fmt.Sprintf(" epochs[%q]=%d", l, p.LabelEpochs[l])
	}
	for _, l := range slices.Sorted(maps.Keys(p.Stop)) { // added later, as mincount
		s += fmt.Sprintf(" stop[%q]=%q", l, p.Stop[l])
	}
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// DataHash is the hex sha256 of the examples in order (text, labels, scope
// and weight, length-prefixed).
func DataHash(ex []Example) string {
	h := sha256.New()
	var b [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(b[:], uint64(len(s)))
		h.Write(b[:])
		h.Write([]byte(s))
	}
	list := func(l []string) {
		binary.LittleEndian.PutUint64(b[:], uint64(len(l)))
		h.Write(b[:])
		for _, s := range l {
			str(s)
		}
	}
	for _, e := range ex {
		str(e.Text)
		list(e.Labels)
		list(e.Scope)
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(e.weight()))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (e *Example) weight() float64 {
	if e.Weight == 0 {
		return 1
	}
	return e.Weight
}

// toxicKinds are the labels the toxic umbrella stands for.
var toxicKinds = []string{"obscenity", "insult", "threat"}

// target says whether e counts for label and, if so, whether it is positive.
func (e *Example) target(label string) (y, ok bool) {
	pos := slices.Contains(e.Labels, label)
	if label == "toxic" {
		for _, k := range toxicKinds {
			pos = pos || slices.Contains(e.Labels, k)
		}
	}
	if slices.Contains(e.Scope, label) {
		return pos, true
	}
	// a row scoped for toxic and clean is clean for each kind; a toxic row
	// says nothing about which kind
	if slices.Contains(toxicKinds, label) && slices.Contains(e.Scope, "toxic") {
		if t, _ := e.target("toxic"); !t {
			return false, true
		}
	}
	return false, false
}

// dataset is the examples as bucket lists, computed once.
type dataset struct {
	off   []int32 // features of row i: feat[off[i]:off[i+1]]
	feat  []uint32
	scale []float32
}

func featurize(f *featurizer, ex []Example) *dataset {
	d := &dataset{off: make([]int32, 1, len(ex)+1), scale: make([]float32, len(ex))}
	var t normalize.Text
	for i := range ex {
		t.Normalize(ex[i].Text)
		start := len(d.feat)
		d.feat = f.appendBuckets(d.feat, t.N)
		d.off = append(d.off, int32(len(d.feat)))
		d.scale[i] = float32(lengthScale(len(d.feat)-start, f.minFeatures))
	}
	return d
}

// digest is the sha256 of the rows' buckets.
func (d *dataset) digest() string {
	h := sha256.New()
	var b [4]byte
	for i := 0; i+1 < len(d.off); i++ {
		binary.LittleEndian.PutUint32(b[:], uint32(d.off[i+1]-d.off[i]))
		h.Write(b[:])
		for _, f := range d.feat[d.off[i]:d.off[i+1]] {
			binary.LittleEndian.PutUint32(b[:], f)
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DataFeaturesDigest is what Info.DataFeatures would be for a model with
// m's parameters trained on ex (the provenance test uses it).
func (m *Model) DataFeaturesDigest(ex []Example) string {
	return featurize(&m.f, ex).digest()
}

// Train fits one model per label on the examples. It is deterministic: the
// same examples, labels and parameters give the same bytes from WriteTo.
func Train(ex []Example, labels []string, p Params) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("model: params: %w", err)
	}
	if err := checkLabels(labels); err != nil {
		return nil, err
	}
	m := &Model{p: p, labels: slices.Clone(labels)}
	m.init()
	d := featurize(&m.f, ex)
	nb := 1 << p.Bits
	nl := len(labels)
	m.q = make([]int16, nb*nl)
	m.bias, m.scale = make([]float32, nl), make([]float32, nl)
	m.info = Info{Format: formatVersion, Buckets: nb, ParamsHash: p.Hash(), DataHash: DataHash(ex),
		Examples: len(ex), Metrics: map[string]Metrics{}}
	m.info.Features = m.FeaturesDigest()
	m.info.DataFeatures = d.digest()
	all := make([]int, len(ex))
	for i := range all {
		all[i] = i
	}
	for li, label := range labels {
		rows, ys, ws := rowsFor(ex, all, label)
		if len(rows) == 0 {
			return nil, fmt.Errorf("model: label %q: no example has it in scope", label)
		}
		npos := 0
		for _, y := range ys {
			if y {
				npos++
			}
		}
		if npos == 0 || npos == len(ys) {
			return nil, fmt.Errorf("model: label %q: no positive or no negative example among %d in scope", label, len(ys))
		}
		w, b := make([]float64, nb), 0.0
		stop := m.f.stopBuckets(p.Stop[label])
		b = fitNB(d, rows, ys, ws, p.forLabel(label), w, stop)
		m.setWeights(li, w)
		m.bias[li] = float32(b)
		met := Metrics{Examples: len(rows), Positives: npos}
		met.TrainLoss = logLoss(d, rows, ys, w, b)
		if p.KFold > 1 {
			met.KFoldPrecision, met.KFoldRecall, met.KFoldF1 = kfold(ex, d, label, p.forLabel(label), nb, stop)
		}
		m.info.Metrics[label] = met
	}
	return m, nil
}

func checkLabels(labels []string) error {
	if len(labels) == 0 {
		return errors.New("model: no labels to train")
	}
	if len(labels) > maxLabels {
		return fmt.Errorf("model: %d labels, at most %d", len(labels), maxLabels)
	}
	for i, l := range labels {
		if l == "" {
			return fmt.Errorf("model: labels[%d]: empty", i)
		}
		if slices.Contains(labels[:i], l) {
			return fmt.Errorf("model: label %q twice", l)
		}
	}
	return nil
}

// rowsFor picks the rows of idx that count for label.
func rowsFor(ex []Example, idx []int, label string) (rows []int, ys []bool, ws []float64) {
	for _, i := range idx {
		y, ok := ex[i].target(label)
		if !ok {
			continue
		}
		rows, ys, ws = append(rows, i), append(ys, y), append(ws, ex[i].weight())
	}
	return
}

// fitNB trains a label from zero weights: plain logistic regression, or
// NB-LR when p.NB > 0 (the ratios end up folded into w).
func fitNB(d *dataset, rows []int, ys []bool, ws []float64, p Params, w []float64, stop []uint32) float64 {
	var r []float64
	if p.NB > 0 {
		r = nbRatios(d, rows, ys, p.NB, len(w))
		if p.MinCount > 0 {
			dropRare(d, rows, p.MinCount, r)
		}
		for _, f := range stop { // no gradient, folded weight 0
			r[f] = 0
		}
	}
	b := fit(d, rows, ys, ws, p, w, 0, nil, r, 1, p.L2)
	for f := range r {
		w[f] *= r[f]
	}
	return b
}

// stopBuckets are the buckets of the words' own features.
func (f *featurizer) stopBuckets(words []string) []uint32 {
	var out []uint32
	var t normalize.Text
	for _, w := range words {
		t.Normalize(w)
		out = f.appendBuckets(out, t.N)
	}
	return out
}

// dropRare zeroes the ratio of every bucket found in fewer than least of
// rows, so it gets no gradient and its folded weight is 0.
func dropRare(d *dataset, rows []int, least int, r []float64) {
	n := make([]int32, len(r))
	last := make([]int32, len(r))
	for k, row := range rows {
		for _, f := range d.feat[d.off[row]:d.off[row+1]] {
			if last[f] != int32(k+1) { // once per row
				last[f] = int32(k + 1)
				n[f]++
			}
		}
	}
	for f := range r {
		if int(n[f]) < least {
			r[f] = 0
		}
	}
}

// nbRatios are log((pos_f+α)/‖pos+α‖₁) − log((neg_f+α)/‖neg+α‖₁) per bucket.
func nbRatios(d *dataset, rows []int, ys []bool, alpha float64, nb int) []float64 {
	pc, nc := make([]float64, nb), make([]float64, nb)
	for k, r := range rows {
		c := nc
		if ys[k] {
			c = pc
		}
		for _, f := range d.feat[d.off[r]:d.off[r+1]] {
			c[f]++
		}
	}
	ps, ns := alpha*float64(nb), alpha*float64(nb)
	for f := 0; f < nb; f++ {
		ps += pc[f]
		ns += nc[f]
	}
	r := make([]float64, nb)
	for f := 0; f < nb; f++ {
		r[f] = math.Log((pc[f]+alpha)/ps) - math.Log((nc[f]+alpha)/ns)
	}
	return r
}

// fit runs AdaGrad on the logistic loss over rows, starting from w and b
// (updated in place; the new bias is returned). With base set, the L2
// penalty pulls toward base instead of toward zero and the bias stays (page
// examples are the comments a moderator saw, not a sample of the traffic,
// so they say little about the base rate). weight multiplies every
// row's weight.
func fit(d *dataset, rows []int, ys []bool, ws []float64, p Params, w []float64, b float64, base, ratio []float64, weight, l2 float64) float64 {
	g := make([]float64, len(w))
	gb := 0.0
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := p.Seed*0x9E3779B97F4A7C15 + 1
	const eps = 1e-8
	for ep := 0; ep < p.Epochs; ep++ {
		for i := len(order) - 1; i > 0; i-- { // Fisher–Yates with xorshift
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			j := int(rng % uint64(i+1))
			order[i], order[j] = order[j], order[i]
		}
		for _, k := range order {
			r := rows[k]
			fs := d.feat[d.off[r]:d.off[r+1]]
			sc := float64(d.scale[r])
			z := b
			if ratio == nil {
				for _, f := range fs {
					z += float64(sc * w[f]) // conversions keep every platform from fusing (same bytes everywhere)
				}
			} else {
				for _, f := range fs {
					z += float64(float64(sc*ratio[f]) * w[f])
				}
			}
			y := 0.0
			if ys[k] {
				y = 1
			}
			gr := (sigmoid(z) - y) * ws[k] * weight
			if base == nil {
				gb += float64(gr * gr)
				b -= p.Rate * gr / math.Sqrt(gb+eps)
			}
			for _, f := range fs {
				reg := w[f]
				if base != nil {
					reg -= base[f]
				}
				x := sc
				if ratio != nil {
					x = float64(sc * ratio[f])
				}
				gf := float64(gr*x) + float64(l2*reg)
				g[f] += float64(gf * gf)
				w[f] -= p.Rate * gf / math.Sqrt(g[f]+eps)
			}
		}
	}
	return b
}

func score(d *dataset, r int, w []float64, b float64) float64 {
	z := b
	sc := float64(d.scale[r])
	for _, f := range d.feat[d.off[r]:d.off[r+1]] {
		z += float64(sc * w[f])
	}
	return sigmoid(z)
}

func logLoss(d *dataset, rows []int, ys []bool, w []float64, b float64) float64 {
	if len(rows) == 0 {
		return 0
	}
	s := 0.0
	for k, r := range rows {
		p := math.Min(math.Max(score(d, r, w, b), 1e-12), 1-1e-12)
		if ys[k] {
			s -= math.Log(p)
		} else {
			s -= math.Log(1 - p)
		}
	}
	return s / float64(len(rows))
}

// Fold is the fold (0..k-1) of a text: by a hash of the text, so identical
// texts share a fold and nothing leaks between folds.
func Fold(text string, k int) int {
	h := uint64(fnvOffset)
	for i := 0; i < len(text); i++ {
		h = (h ^ uint64(text[i])) * fnvPrime
	}
	return int((h * mix >> 32) % uint64(k))
}

// kfold trains on k-1 folds and scores the rest, k times; it returns
// precision, recall and F1 at 0.5 over all out-of-fold rows.
func kfold(ex []Example, d *dataset, label string, p Params, nb int, stop []uint32) (prec, rec, f1 float64) {
	tp, fp, fn := 0, 0, 0
	folds := make([]int, len(ex))
	for i := range ex {
		folds[i] = Fold(ex[i].Text, p.KFold)
	}
	for k := 0; k < p.KFold; k++ {
		var tr, te []int
		for i := range ex {
			if folds[i] == k {
				te = append(te, i)
			} else {
				tr = append(tr, i)
			}
		}
		rows, ys, ws := rowsFor(ex, tr, label)
		w := make([]float64, nb)
		b := fitNB(d, rows, ys, ws, p, w, stop)
		trows, tys, _ := rowsFor(ex, te, label)
		for j, r := range trows {
			pred := score(d, r, w, b) >= 0.5
			switch {
			case pred && tys[j]:
				tp++
			case pred:
				fp++
			case tys[j]:
				fn++
			}
		}
	}
	if tp+fp > 0 {
		prec = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		rec = float64(tp) / float64(tp+fn)
	}
	if prec+rec > 0 {
		f1 = 2 * prec * rec / (prec + rec)
	}
	return
}
