// Package model is strazh's learned text classifier: one logistic
// regression per label (toxic, spam, any custom label) over hashed
// character n-grams within words and word n-grams of the rule engine's
// normalised text. It is pure: training, adapting, scoring and the file
// format work on values, io.Reader and io.Writer, nothing else. A Model is
// read-only once built and safe for concurrent use.
package model

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"sort"
	"sync"

	"github.com/strazh/strazh/rules/normalize"
)

// Example is one labelled text, in the corpus's semantics: a label outside
// Scope is unknown (the row does not count for it), a label in Scope is
// positive when in Labels and negative otherwise. For toxic, the labels
// obscenity, insult and threat count as toxic. Weight 0 means 1.
type Example struct {
	Text   string
	Labels []string
	Scope  []string
	Weight float64
}

// Feature is one feature of a text with its weight in a label's model
// (positive pushes toward the label), times its count in the text and the
// text's length scaling: its share of the score's log-odds.
type Feature struct {
	Text   string  // "«дур»" (character n-gram, spaces for word edges), "слово дурак", "слова ты дурак"
	Weight float64 // contribution to the log-odds
}

// Model is a trained set of per-label linear models sharing one feature
// space.
type Model struct {
	p      Params
	f      featurizer
	labels []string
	bias   []float32
	scale  []float32 // per label: weight = scale·q
	// q are the weights quantised to int16, bucket-major
	// (q[b*len(labels)+l]), so one cache line serves every label and the
	// table of 2^18 buckets × 2 labels is 1 MB: it stays in the L2 cache.
	q    []int16
	info Info
	pool sync.Pool // *normalize.Text
}

// Metrics describe a label's model on its data.
type Metrics struct {
	Examples  int `json:"examples"`  // rows with the label in scope
	Positives int `json:"positives"` // of which positive
	// KFold: precision, recall and F1 at 0.5, out of fold (Params.KFold
	// folds); zero when no k-fold was run.
	KFoldPrecision float64 `json:"kfold_precision,omitempty"`
	KFoldRecall    float64 `json:"kfold_recall,omitempty"`
	KFoldF1        float64 `json:"kfold_f1,omitempty"`
	// TrainLoss is the mean log-loss on the training rows after training.
	TrainLoss float64 `json:"train_loss"`
}

// Info is a model's provenance.
type Info struct {
	Format     int                `json:"format"` // file format version
	Labels     []string           `json:"labels"`
	Buckets    int                `json:"buckets"`
	ParamsHash string             `json:"params_hash"` // sha256 of the training parameters
	DataHash   string             `json:"data_hash"`   // sha256 of the examples, in order
	Examples   int                `json:"examples"`
	Metrics    map[string]Metrics `json:"metrics"`
	// Base is the DataHash+ParamsHash digest of the model this one was
	// adapted from ("" for a trained model); Adapted counts the page
	// examples of the last Adapt.
	Base    string `json:"base,omitempty"`
	Adapted int    `json:"adapted,omitempty"`
	// Features is the digest of the features the training code gave for
	// a fixed probe text: a model whose Features differ from what this
	// code computes (FeaturesDigest) was made by other feature code.
	Features string `json:"features"`
	// DataFeatures is the digest of the features of the training data
	// itself: with the data at hand (the provenance test) it shows whether
	// this code — the normaliser included — still sees the data as the
	// training did.
	DataFeatures string `json:"data_features"`
}

// probeText exercises every kind of feature.
const probeText = "Ну ТЫ и дурак, Вася!!! Заработок 5000₽ в лс t.me/x оченьдлинноесловобезпробелов ё-моё х*й"

// FeaturesDigest is the digest of the features this code computes for the
// probe text with the model's parameters.
func (m *Model) FeaturesDigest() string {
	var t normalize.Text
	t.Normalize(probeText)
	h := sha256.New()
	var b [4]byte
	m.f.walk(t.N, func(bk uint32, kind, s, e int) {
		binary.LittleEndian.PutUint32(b[:], bk)
		h.Write(b[:])
		h.Write([]byte{byte(kind), byte(e - s)})
	})
	return hex.EncodeToString(h.Sum(nil))
}

// Labels returns the labels the model scores, in training order.
func (m *Model) Labels() []string { return append([]string(nil), m.labels...) }

// NumLabels is len(Labels()) without the copy.
func (m *Model) NumLabels() int { return len(m.labels) }

// Label returns the i-th label without a copy.
func (m *Model) Label(i int) string { return m.labels[i] }

// Info returns the model's provenance and metrics.
func (m *Model) Info() Info {
	i := m.info
	i.Labels = m.Labels()
	i.Metrics = make(map[string]Metrics, len(m.info.Metrics))
	for k, v := range m.info.Metrics {
		i.Metrics[k] = v
	}
	return i
}

// Params returns the parameters the model was trained with.
func (m *Model) Params() Params { return m.p }

// Index returns the position of label in Labels, or -1.
func (m *Model) Index(label string) int {
	for i, l := range m.labels {
		if l == label {
			return i
		}
	}
	return -1
}

func (m *Model) init() {
	m.f = featurizer{bits: uint(m.p.Bits), charMin: m.p.CharMin, charMax: m.p.CharMax, wordN: m.p.WordNgrams, inner: m.p.Inner, minFeatures: m.p.MinFeatures}
	m.pool.New = func() any { return new(normalize.Text) }
}

// Score returns the probability (0..1) that text carries label; 0 for a
// label the model does not know. text is raw: it is normalised here.
func (m *Model) Score(label, text string) float64 {
	li := m.Index(label)
	if li < 0 {
		return 0
	}
	t := m.pool.Get().(*normalize.Text)
	t.Normalize(text)
	var z [maxLabels]float32
	m.logits(t.N, z[:len(m.labels)])
	m.pool.Put(t)
	return sigmoid(float64(z[li]))
}

// maxLabels bounds the labels of one model (a stack array in Score).
const maxLabels = 16

// ScoreNormalized writes every label's probability for an already
// normalised text (normalize.Text.N) into out, which must have room for
// len(Labels()); it allocates nothing. The rule engine calls it with the
// text it has normalised anyway.
func (m *Model) ScoreNormalized(n []byte, out []float64) {
	var z [maxLabels]float32
	m.logits(n, z[:len(m.labels)])
	for i := range m.labels {
		out[i] = sigmoid(float64(z[i]))
	}
}

// logits computes bias + scale·Σw for every label. The walk mirrors
// featurizer.walk, written out so the hot path makes no call per feature:
// buckets are gathered in a stack buffer, then summed in a tight loop
// whose table loads overlap.
func (m *Model) logits(n []byte, z []float32) {
	var acc [maxLabels]int64
	var cnt int
	switch {
	case m.is46():
		acc[0], acc[1], cnt = sums46((*table46)(m.q), m.f.wordN, n)
	case m.f.inner:
		cnt = m.gatherInner(n, &acc)
	default:
		cnt = m.gatherEdges(n, &acc)
	}
	scale := lengthScale(cnt, m.p.MinFeatures)
	for l := range z {
		z[l] = m.bias[l] + float32(scale)*m.scale[l]*float32(acc[l])
	}
}

// bufLen is the stack buffer of gathered buckets; perWord bounds the
// features of one word (stems, endings, the word and its pair), so a
// word's buckets are written without a check per feature.
const (
	bufLen  = 256
	perWord = 2*8 + 2
)

// gatherEdges is featurizer.walk without Inner: for each word, the stems
// and endings (charMin..charMax bytes with the spaces around it) and the
// word n-grams. The word's hash is taken while finding its end; the
// shipped setting (4..6) has its n-grams unrolled (edges46), any other
// goes through edges. It returns the number of features.
func (m *Model) gatherEdges(n []byte, acc *[maxLabels]int64) int {
	f := &m.f
	var buf [bufLen]uint32
	k, cnt := 0, 0
	shift := 64 - f.bits
	fast := f.charMin == 4 && f.charMax == 6
	var prev uint64
	havePrev := false
	for i := 0; i < len(n); {
		if n[i] == normalize.Space {
			i++
			continue
		}
		if k > bufLen-perWord {
			m.accumulate(acc, buf[:k])
			cnt += k
			k = 0
		}
		hw := uint64(seedWord)
		j := i
		for ; j < len(n); j++ {
			c := n[j]
			if c == normalize.Space {
				break
			}
			hw = (hw ^ uint64(c)) * fnvPrime
		}
		a, b := wordSpan(n, i, j)
		if fast {
			k = edges46(&buf, k, n[a:b], shift)
		} else {
			k = f.edges(&buf, k, n[a:b], shift)
		}
		if f.wordN >= 1 {
			buf[k&(bufLen-1)] = uint32((hw * mix) >> shift)
			k++
			if f.wordN >= 2 && havePrev {
				buf[k&(bufLen-1)] = uint32((((prev*seedPair ^ hw) * fnvPrime) * mix) >> shift)
				k++
			}
			prev, havePrev = hw, true
		}
		i = j
	}
	m.accumulate(acc, buf[:k])
	return cnt + k
}

// edges appends the buckets of the stems and endings of w (a word with the
// spaces around it) to buf from k; it returns the new k.
func (f *featurizer) edges(buf *[bufLen]uint32, k int, w []byte, shift uint) int {
	cmin, cmax := f.charMin, f.charMax
	// stems: from the word's start
	if len(w) >= cmin {
		h := uint64(fnvOffset)
		for _, c := range w[:cmin-1] {
			h = (h ^ uint64(c)) * fnvPrime
		}
		for _, c := range w[cmin-1 : min(len(w), cmax)] {
			h = (h ^ uint64(c)) * fnvPrime
			buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
			k++
		}
	}
	// endings: hashed from the end backwards, never the whole w (that was
	// a stem)
	if len(w)-1 >= cmin {
		h := uint64(seedEnd)
		q := len(w) - 1
		for stop := q - (cmin - 1); q > stop; q-- {
			h = (h ^ uint64(w[q])) * fnvPrime
		}
		for stop := max(0, len(w)-1-cmax); q > stop; q-- {
			h = (h ^ uint64(w[q])) * fnvPrime
			buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
			k++
		}
	}
	return k
}

// edges46 is edges for charMin 4 and charMax 6, unrolled: stems of 4, 5
// and 6 bytes, endings of 4, 5 and 6 bytes shorter than w.
func edges46(buf *[bufLen]uint32, k int, w []byte, shift uint) int {
	l := len(w)
	if l < 4 {
		return k
	}
	h := (((uint64(fnvOffset)^uint64(w[0]))*fnvPrime^uint64(w[1]))*fnvPrime ^ uint64(w[2])) * fnvPrime
	h = (h ^ uint64(w[3])) * fnvPrime
	buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
	k++
	if l >= 5 {
		h = (h ^ uint64(w[4])) * fnvPrime
		buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
		k++
		if l >= 6 {
			h = (h ^ uint64(w[5])) * fnvPrime
			buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
			k++
		}
		// endings: l >= 5 here, so w[l-4] is not w[0]
		e := w[l-5 : l]
		h = (((uint64(seedEnd)^uint64(e[4]))*fnvPrime^uint64(e[3]))*fnvPrime ^ uint64(e[2])) * fnvPrime
		h = (h ^ uint64(e[1])) * fnvPrime
		buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
		k++
		if l >= 6 {
			h = (h ^ uint64(e[0])) * fnvPrime
			buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
			k++
			if l >= 7 {
				h = (h ^ uint64(w[l-6])) * fnvPrime
				buf[k&(bufLen-1)] = uint32((h * mix) >> shift)
				k++
			}
		}
	}
	return k
}

// gatherInner is featurizer.walk with Inner: every character n-gram of
// every word.
func (m *Model) gatherInner(n []byte, acc *[maxLabels]int64) int {
	var buf [bufLen]uint32
	k, cnt := 0, 0
	m.f.walk(n, func(b uint32, _, _, _ int) {
		buf[k] = b
		k++
		if k == len(buf) {
			m.accumulate(acc, buf[:k])
			cnt += k
			k = 0
		}
	})
	m.accumulate(acc, buf[:k])
	return cnt + k
}

// accumulate adds the weights of the buckets to acc.
func (m *Model) accumulate(acc *[maxLabels]int64, bs []uint32) {
	w := m.q
	switch len(m.labels) {
	case 1:
		for _, b := range bs {
			acc[0] += int64(w[b])
		}
	case 2:
		var a0, a1 int64
		for _, b := range bs {
			r := w[2*int(b) : 2*int(b)+2 : 2*int(b)+2]
			a0 += int64(r[0])
			a1 += int64(r[1])
		}
		acc[0] += a0
		acc[1] += a1
	default:
		nl := len(m.labels)
		for _, b := range bs {
			for l, v := range w[int(b)*nl : int(b)*nl+nl] {
				acc[l] += int64(v)
			}
		}
	}
}

// lengthScale is the factor every feature of a text with cnt features is
// multiplied by: 1/√cnt, so a long text does not score high by length
// alone, but no more than 1/√minFeatures, so a word or two (few features,
// one of them strong by chance: "сабля") stays near the prior.
func lengthScale(cnt, minFeatures int) float64 {
	if cnt == 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(max(cnt, minFeatures)))
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// setWeights quantises label li's weights: scale = max|w|/32767.
func (m *Model) setWeights(li int, w []float64) {
	mx := 0.0
	for _, v := range w {
		mx = math.Max(mx, math.Abs(v))
	}
	s := mx / math.MaxInt16
	if s == 0 {
		s = 1
	}
	m.scale[li] = float32(s)
	nl := len(m.labels)
	for j, v := range w {
		m.q[j*nl+li] = int16(math.Round(v / float64(m.scale[li])))
	}
}

// weights returns label li's weights, dequantised.
func (m *Model) weights(li int) []float64 {
	nl := len(m.labels)
	w := make([]float64, len(m.q)/nl)
	for j := range w {
		w[j] = float64(m.scale[li]) * float64(m.q[j*nl+li])
	}
	return w
}

// Explain returns the k features of text that push hardest toward or away
// from label (by absolute contribution to the log-odds), strongest first.
// It allocates; use it for people, not per comment.
func (m *Model) Explain(label, text string, k int) []Feature {
	li := m.Index(label)
	if li < 0 || k <= 0 {
		return nil
	}
	var t normalize.Text
	t.Normalize(text)
	nl := len(m.labels)
	sum := map[string]float64{}
	cnt := 0
	m.f.walk(t.N, func(b uint32, kind, s, e int) {
		sum[describe(t.N, kind, s, e)] += float64(m.scale[li]) * float64(m.q[int(b)*nl+li])
		cnt++
	})
	scale := lengthScale(cnt, m.p.MinFeatures)
	out := make([]Feature, 0, len(sum))
	for s, v := range sum {
		out = append(out, Feature{Text: s, Weight: v * scale})
	}
	sort.Slice(out, func(i, j int) bool {
		ai, aj := math.Abs(out[i].Weight), math.Abs(out[j].Weight)
		if ai != aj {
			return ai > aj
		}
		return out[i].Text < out[j].Text
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}
