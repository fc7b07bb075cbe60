package main

import (
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/cadence"
	"github.com/strazh/strazh/moderation/pipeline"
)

// newCadence is the poller of the pages whose connector can list its own
// posts (moderation.PageReader; decree §2.1), nil when none can.
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
