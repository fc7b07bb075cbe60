package vk

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

const (
	maxNames     = 100000 // names kept before the cache starts over
	usersPerCall = 500    // user ids per users.get (VK takes up to 1000)
)

// authors caches names and the set of managers. Only Fetch (and Connect)
// touch it, under fetchMu.
type authors struct {
	names    map[int]string
	managers map[int]bool
	loaded   time.Time // managers loaded (or last tried)
}

func newAuthors() authors {
	return authors{names: map[int]string{}, managers: map[int]bool{}}
}

// refreshManagers reloads the community's managers with
// groups.getMembers(filter=managers): community token first, then the user
// token (unverified which token types may list managers). When strict is
// false a failure is logged and the old list kept, retried in a minute.
func (c *Connector) refreshManagers(ctx context.Context, strict bool) error {
	p := api.Params{"group_id": c.cfg.GroupID, "filter": "managers", "count": 1000}
	var r struct {
		Items []json.RawMessage `json:"items"`
	}
	err := c.api.call(ctx, community, "groups.getMembers", p, &r)
	if err != nil && ctx.Err() == nil {
		err = c.api.call(ctx, user, "groups.getMembers", p, &r)
	}
	if err != nil {
		if !strict {
			c.log.Warn("managers not refreshed; keeping the old list", "err", err)
			c.authors.loaded = time.Now().Add(min(time.Minute, c.cfg.ManagersRefresh) - c.cfg.ManagersRefresh)
			return nil
		}
		return err
	}
	m := make(map[int]bool, len(r.Items))
	for _, it := range r.Items {
		var obj struct {
			ID int `json:"id"`
		}
		var id int
		if json.Unmarshal(it, &id) != nil && json.Unmarshal(it, &obj) == nil {
			id = obj.ID
		}
		if id > 0 {
			m[id] = true
		}
	}
	c.authors.managers = m
	c.authors.loaded = time.Now()
	return nil
}

// resolveNames fills in the names of the authors of ups, asking users.get
// (community token, batched) for ids not in the cache. Names are only for
// the moderator's view: a failure is logged and the names left empty.
func (c *Connector) resolveNames(ctx context.Context, ups []moderation.Update) {
	var missing []int
	want := map[int]bool{}
	for i := range ups {
		for _, a := range []*moderation.Author{&ups[i].Comment.Author, &ups[i].Author} {
			id, _ := strconv.Atoi(a.ID)
			if id > 0 && c.authors.names[id] == "" && !want[id] {
				want[id] = true
				missing = append(missing, id)
			}
		}
	}
	for len(missing) > 0 {
		n := min(len(missing), usersPerCall)
		ids := make([]string, n)
		for i, id := range missing[:n] {
			ids[i] = strconv.Itoa(id)
		}
		missing = missing[n:]
		var us []struct {
			ID        int    `json:"id"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
		}
		err := c.api.call(ctx, community, "users.get", api.Params{"user_ids": strings.Join(ids, ",")}, &us)
		if err != nil {
			c.log.Debug("names not resolved", "err", err)
			break
		}
		if len(c.authors.names)+len(us) > maxNames {
			c.authors.names = map[int]string{}
		}
		for _, u := range us {
			c.authors.names[u.ID] = strings.TrimSpace(u.FirstName + " " + u.LastName)
		}
	}
	for i := range ups {
		for _, a := range []*moderation.Author{&ups[i].Comment.Author, &ups[i].Author} {
			if id, _ := strconv.Atoi(a.ID); id > 0 && a.Name == "" {
				a.Name = c.authors.names[id]
			}
		}
	}
}
