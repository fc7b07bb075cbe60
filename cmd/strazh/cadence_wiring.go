package main

import (
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/cadence"
	"github.com/strazh/strazh/moderation/pipeline"
)

// newCadence is the poller of the pages whose connector can list its own
// posts (moderation.PageReader; decree §2.1), nil when none can. A page
// whose network lists no history (Telegram: cadence.Arriving) is given the
// store by cadence.New to record its posts as they arrive, so this must
// run before the pipeline starts fetching.
func (d *daemon) newCadence(accounts []pipeline.Account) *cadence.Poller {
	var pages []cadence.Page
	for _, a := range accounts {
		if r, ok := a.Conn.(moderation.PageReader); ok {
			pages = append(pages, cadence.Page{Account: a.Name, Reader: r})
		}
	}
	if len(pages) == 0 {
		return nil
	}
	return cadence.New(cadence.Options{
		Every: d.cfg.Cadence.Every, MinPerWeek: d.cfg.Cadence.MinPerWeek,
		Logger: d.log.With("component", "cadence"), Metrics: cadence.NewMetrics(d.reg),
	}, d.db, pages)
}
