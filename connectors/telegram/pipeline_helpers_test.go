package telegram

import (
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// The scenario tests run the real pipeline and bbolt store over the
// connector and the fake.

const obsceneMark = pipelinetest.ObsceneMark

type pipeRun struct{ *pipelinetest.Run }

func startPipeline(t testing.TB, dir string, conns ...*Connector) *pipeRun {
	t.Helper()
	return startPipelineWith(t, dir, nil, conns...)
}

// startPipelineWith is startPipeline with tune changing the options.
func startPipelineWith(t testing.TB, dir string, tune func(*pipeline.Options), conns ...*Connector) *pipeRun {
	t.Helper()
	var accs []pipeline.Account
	for _, c := range conns {
		accs = append(accs, pipeline.Account{Name: c.account, Network: Network, Conn: c})
	}
	return &pipeRun{pipelinetest.Start(t, dir, tune, accs...)}
}

func (r *pipeRun) stop() { r.Stop() }

// decisions returns the decisions whose comment text is text.
func (r *pipeRun) decisions(t testing.TB, text string) []*moderation.Decision {
	return r.Decisions(t, text)
}

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	pipelinetest.Eventually(t, what, cond)
}
