package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/strazh/strazh/connectors/sim/simtest"
)

// demoPage is one page of the demo: a network and its fake.
type demoPage struct {
	network string
	net     demoNet
}

// demoPages are the pages `-network` asks for: one network, or "all" —
// one page of each simulated network in one daemon.
func demoPages(network string) ([]demoPage, error) {
	names := []string{network}
	if network == "all" {
		names = append([]string{"sim"}, demoNetNames()...)
	}
	var pages []demoPage
	for _, n := range names {
		var net demoNet
		if n == "sim" {
			net = &simDemo{srv: simtest.New()}
		} else if mk, ok := demoNets[n]; ok {
			var err error
			if net, err = mk(); err != nil {
				for _, p := range pages {
					p.net.Close()
				}
				return nil, fmt.Errorf("-network %s: %w", n, err)
			}
		} else {
			return nil, fmt.Errorf("-network %q: want sim, %s or all", network, strings.Join(demoNetNames(), ", "))
		}
		pages = append(pages, demoPage{network: n, net: net})
	}
	return pages, nil
}

// multiNet posts the script's comments to its pages in turn.
type multiNet struct {
	pages []demoPage
	mu    sync.Mutex
	next  int
}

// multiDemo is the demo's network: the one page itself, or all in turn.
func multiDemo(pages []demoPage) demoNet {
	if len(pages) == 1 {
		return pages[0].net
	}
	return &multiNet{pages: pages}
}

func (m *multiNet) Account() map[string]any { return nil } // each page has its own

func (m *multiNet) Env() map[string]string {
	env := map[string]string{}
	for _, p := range m.pages {
		for k, v := range p.net.Env() {
			env[k] = v
		}
	}
	return env
}

func (m *multiNet) Post(ctx context.Context, kind string, author int, name, text string) (int, error) {
	m.mu.Lock()
	p := m.pages[m.next%len(m.pages)]
	m.next++
	m.mu.Unlock()
	id, err := p.net.Post(ctx, kind, author, name, text)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p.network, err)
	}
	return id, nil
}

func (m *multiNet) Summary() (deleted, banned int) {
	for _, p := range m.pages {
		d, b := p.net.Summary()
		deleted += d
		banned += b
	}
	return deleted, banned
}

func (m *multiNet) Close() {
	for _, p := range m.pages {
		p.net.Close()
	}
}
