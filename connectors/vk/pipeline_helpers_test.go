package vk

import (
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// The tests in this package that need decisions (is the comment deleted in
// the end?) run the real pipeline and store over the connector
// (moderation/pipeline/pipelinetest).

const (
	obsceneMark = pipelinetest.ObsceneMark // deleted
	reviewMark  = pipelinetest.ReviewMark  // sent to review
)

type markEngine = pipelinetest.MarkEngine

type pipeRun struct{ *pipelinetest.Run }

// startPipeline runs a pipeline over conn with short waits (tune may
// change them) until stop or the end of the test.
func startPipeline(t testing.TB, dir string, conn *Connector, tune func(*pipeline.Options)) *pipeRun {
	t.Helper()
	return &pipeRun{pipelinetest.Start(t, dir, tune, pipeline.Account{Name: conn.account, Network: Network, Conn: conn})}
}

func (r *pipeRun) stop() { r.Stop() }

// decided reports whether the comment with text has a decision.
func (r *pipeRun) decided(t testing.TB, text string) bool { return len(r.Decisions(t, text)) > 0 }

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	pipelinetest.Eventually(t, what, cond)
}

var _ moderation.Evaluator = markEngine{}
