package rules

import (
	"runtime"
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
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var c moderation.Comment
			var res moderation.Result
			b.ReportAllocs()
			cpu0 := threadCPU()
			for i := 0; b.Loop(); i++ {
				c.Text = texts[i%len(texts)]
				res.Reset()
				e.Evaluate(&c, nil, &res)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
			// the same per second of this thread's CPU time: what one core
			// does when nobody else wants it
			if cpu := threadCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(b.N)/cpu.Seconds(), "comments/cpu-s")
			}
		})
	}
}
