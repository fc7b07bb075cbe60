package main

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/model"
)

// pageSetup is the daemon's engine after the page learned: the shipped
// packs asking the shipped model adapted to n decisions (the demo's own
// texts, varied), with rules.model.delete and keep on auto.
func pageSetup(tb testing.TB, n int) (*rules.Engine, []moderation.Comment) {
	tb.Helper()
	lines, err := parseDemoScript(demoScript)
	if err != nil {
		tb.Fatal(err)
	}
	rc := rules.DefaultConfig()
	rc.Model.Delete = map[string]rules.Threshold{"toxic": rules.Auto}
	rc.Model.Keep = map[string]rules.Threshold{"toxic": rules.Auto}
	engine, err := rules.Load(rc, ".")
	if err != nil {
		tb.Fatal(err)
	}
	var page []moderation.Example
	var comments []moderation.Comment
	for i := 0; i < n; i++ {
		l := lines[i%len(lines)]
		text := fmt.Sprintf("%s (%d)", l.text, i)
		ex := moderation.Example{DecisionID: uint64(i + 1), Text: text, Scope: []string{"toxic"}}
		if l.expect >= moderation.Delete {
			ex.Labels = []string{"toxic"}
		}
		page = append(page, ex)
		comments = append(comments, moderation.Comment{ID: fmt.Sprint(i), Account: "a", Text: text})
	}
	tr, err := newTrainer(engine.Model(), modelSetup{Weight: 4})
	if err != nil {
		tb.Fatal(err)
	}
	m, err := tr.Adapt(page)
	if err != nil {
		tb.Fatal(err)
	}
	v := moderation.ModelVersion{Version: 1, Metrics: map[string]moderation.LabelMetrics{"toxic": {DeleteFrom: 0.97, KeepBelow: 0.05}}}
	pe, err := pageEngine(engine, m, v, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return pe, comments
}

// BenchmarkPageEngine_Evaluate is the daemon's hot path once the page
// learned: rules plus the page's model (target: ≥ 150,000 comments/s on
// one core).
func BenchmarkPageEngine_Evaluate(b *testing.B) {
	e, comments := pageSetup(b, 2000)
	var res moderation.Result
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res.Reset()
		e.Evaluate(&comments[i%len(comments)], nil, &res)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
}

// BenchmarkPageModel_Memory measures the heap the model takes in the
// daemon: the rules' model loaded, one refit's adapted model and the
// engine bound to it (target: ≤ 64 MB).
func BenchmarkPageModel_Memory(b *testing.B) {
	var e *rules.Engine
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e, _ = pageSetup(b, 2000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-live")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "MB-allocated")
	}
	runtime.KeepAlive(e)
	_ = model.Shipped
}
