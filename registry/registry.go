// Package registry is the public registry of a municipality's official
// accounts (decree §1.3): the accounts of the configuration with what their
// networks report (name, link, the state "verified" mark, the last post),
// rendered as a static, accessible HTML page in Russian, as JSON or as CSV.
//
// It imports only the core: the command gathers the sources (config and
// connectors) and hands them in.
package registry

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Source is one configured account.
type Source struct {
	Account string // the configured name
	Network string // vk, ok, max, telegram, …
	// Name, Purpose and URL are accounts[].registry; empty fields are
	// taken from the network where it reports them.
	Name, Purpose, URL string
	// Reader asks the network (nil: it is not asked; Unavailable says why).
	Reader moderation.PageReader
	// Unavailable is why the network is not asked, in Russian, for the
	// page ("коннектор не создан: нет токена"); used when Reader is nil.
	Unavailable string
}

// Entry is one account as the registry shows it.
type Entry struct {
	Account     string `json:"account"`
	Network     string `json:"network"`
	NetworkName string `json:"network_name"`
	Name        string `json:"name"`
	URL         string `json:"url,omitempty"`
	Purpose     string `json:"purpose,omitempty"`
	// Verified is the state mark; null: not known (the network was not
	// reached, or it documents no such mark: see NetworkData).
	Verified *bool `json:"verified"`
	// VerifiedText says it in Russian, as the page does: «есть», «нет»,
	// «не известно» (the network has no such mark) or «нет данных» (the
	// network was not reached).
	VerifiedText string     `json:"verified_text"`
	LastPost     *time.Time `json:"last_post"` // null: not known
	Followers    int        `json:"followers,omitempty"`
	// NetworkData: the network was reached and its data is included.
	NetworkData bool `json:"network_data"`
	// Missing says, in Russian, what is left out and why ("" when nothing).
	Missing string `json:"missing,omitempty"`
}

// Registry is the rendered list.
type Registry struct {
	Title       string    `json:"title"`
	GeneratedAt time.Time `json:"generated_at"`
	// Complete: every network was reached.
	Complete bool    `json:"complete"`
	Accounts []Entry `json:"accounts"`
	// Problems are the networks' errors, for the operator (stderr), never
	// on the public page.
	Problems []error `json:"-"`
}

// DefaultTitle is the page's heading.
const DefaultTitle = "Официальные страницы в социальных сетях"

// networkNames are the networks' names in Russian.
var networkNames = map[string]string{
	"vk": "ВКонтакте", "ok": "Одноклассники", "max": "MAX", "telegram": "Telegram",
	"facebook": "Facebook", "instagram": "Instagram", "sim": "Симулятор",
}

// The state mark's words (Entry.VerifiedText).
const (
	MarkYes     = "есть"
	MarkNo      = "нет"
	MarkUnknown = "не известно" // the network documents no such mark
	MarkNoData  = "нет данных"  // the network was not reached
)

func verifiedText(e Entry) string {
	switch {
	case e.Verified != nil && *e.Verified:
		return MarkYes
	case e.Verified != nil:
		return MarkNo
	case e.NetworkData:
		return MarkUnknown
	}
	return MarkNoData
}

// NetworkName is a network's name for people.
func NetworkName(network string) string { return cmp.Or(networkNames[network], network) }

// Build asks every source's network (each within timeout) and merges what
// it reports under the configuration. A network that fails leaves its
// account rendered from the configuration, with Missing saying so.
func Build(ctx context.Context, sources []Source, now time.Time, timeout time.Duration) Registry {
	r := Registry{Title: DefaultTitle, GeneratedAt: now, Complete: true, Accounts: []Entry{}}
	for _, s := range sources {
		e := Entry{Account: s.Account, Network: s.Network, NetworkName: NetworkName(s.Network),
			Name: s.Name, URL: s.URL, Purpose: s.Purpose}
		var info moderation.PageInfo
		var err error
		switch {
		case s.Reader == nil:
			e.Missing = cmp.Or(s.Unavailable, "сеть не опрашивается")
		default:
			cctx, cancel := context.WithTimeout(ctx, timeout)
			info, err = s.Reader.PageInfo(cctx)
			cancel()
			if err != nil {
				e.Missing = "сеть не ответила"
				r.Problems = append(r.Problems, fmt.Errorf("%s: %w", s.Account, err))
			}
		}
		if s.Reader != nil && err == nil {
			e.NetworkData = true
			e.Name, e.URL = cmp.Or(e.Name, info.Name), cmp.Or(e.URL, info.URL)
			if info.Verified != nil {
				e.Verified = new(*info.Verified)
			}
			e.Followers = info.Followers
			if !info.LastPost.IsZero() {
				t := info.LastPost
				e.LastPost = &t
			} else {
				e.Missing = "дата последней публикации недоступна"
			}
		} else {
			r.Complete = false
		}
		e.Name = cmp.Or(e.Name, s.Account)
		e.VerifiedText = verifiedText(e)
		r.Accounts = append(r.Accounts, e)
	}
	return r
}
