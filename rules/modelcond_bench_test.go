package rules

import (
	"testing"

	"github.com/strazh/strazh/moderation"
)

// BenchmarkEngine_EvaluateModel is the shipped rules with and without the
// model pack on the same mix (the model's cost is the difference).
func BenchmarkEngine_EvaluateModel(b *testing.B) {
	texts := corpusMix(b, 3000)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"model=off", Config{Builtin: "ru", Disable: []string{"model"}}},
		{"model=on", DefaultConfig()},
	} {
		e, err := Load(tc.cfg, ".")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			var c moderation.Comment
			var res moderation.Result
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				c.Text = texts[i%len(texts)]
				res.Reset()
				e.Evaluate(&c, nil, &res)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
		})
	}
}
