package guard

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Observation is what one check read from a Guarded connector: each part
// with its own error (a network that cannot list managers still reports
// its tokens).
type Observation struct {
	Managers    []moderation.Manager
	ManagersErr error
	Access      moderation.Access
	AccessErr   error // may join moderation.TokenErrors beside a partial Access
	Settings    map[string]string
	SettingsErr error
}

// Diff compares an observation with the account's last state and returns
// the next state and the events between them (for the account on the
// network). prev nil is the account's
// first check: a baseline, recorded without events. warn is how close an
// expiry must be to count as expiring. Diff is pure.
func Diff(prev *moderation.GuardState, account, network string, obs Observation, now time.Time, warn time.Duration) (moderation.GuardState, []moderation.SecurityEvent) {
	var next moderation.GuardState
	if prev != nil {
		next = *prev
		next.Managers = slices.Clone(prev.Managers)
		next.Access.Rights = slices.Clone(prev.Access.Rights)
	}
	next.Account, next.Network, next.Checked = account, network, now
	var evs []moderation.SecurityEvent
	emit := func(kind, subject, detail string) {
		if prev == nil {
			return // the baseline
		}
		evs = append(evs, moderation.SecurityEvent{At: now, Network: next.Network, Account: next.Account,
			Kind: kind, Subject: subject, Detail: detail})
	}
	var problems []string

	// Managers.
	if obs.ManagersErr == nil {
		cur := sortedManagers(obs.Managers)
		keepKnownRoles(next.Managers, cur)
		if next.HasManagers {
			managerEvents(next.Managers, cur, emit)
		}
		next.Managers, next.HasManagers = cur, true
	} else if !errors.Is(obs.ManagersErr, moderation.ErrUnsupported) {
		problems = append(problems, "managers: "+obs.ManagersErr.Error())
	}

	// Tokens and rights.
	broken := brokenTokens(obs.AccessErr)
	for _, tok := range broken {
		if !slices.Contains(next.Broken, tok.name) {
			emit(moderation.SecTokenBroken, tok.name, tok.err)
		}
		problems = append(problems, tok.name+" token: "+tok.err)
	}
	readable := obs.AccessErr == nil || len(broken) > 0
	switch {
	case readable:
		names := make([]string, len(broken))
		for i, b := range broken {
			names[i] = b.name
		}
		cur := slices.Clone(obs.Access.Rights)
		// A broken token keeps the rights it had: one event, not one per right.
		for _, r := range next.Access.Rights {
			t := tokenOf(r)
			if (slices.Contains(names, t) || slices.Contains(names, "token")) && !slices.Contains(cur, r) {
				cur = append(cur, r)
			}
		}
		sort.Strings(cur)
		if next.HasAccess {
			for _, r := range next.Access.Rights {
				if !slices.Contains(cur, r) {
					emit(moderation.SecTokenRightLost, r, "")
				}
			}
		}
		next.Access = moderation.Access{Rights: cur, Needed: slices.Clone(obs.Access.Needed), Expires: obs.Access.Expires}
		next.HasAccess = true
		next.Broken = names
		for _, n := range Missing(next.Access) {
			problems = append(problems, "right missing: "+n)
		}
		expiring := !next.Access.Expires.IsZero() && next.Access.Expires.Sub(now) < warn
		if expiring && !next.Expiring {
			emit(moderation.SecTokenExpiring, "", "expires "+next.Access.Expires.UTC().Format(time.RFC3339))
		}
		if expiring {
			problems = append(problems, "token expires "+next.Access.Expires.UTC().Format(time.RFC3339))
		}
		next.Expiring = expiring
	case !errors.Is(obs.AccessErr, moderation.ErrUnsupported):
		problems = append(problems, "access: "+obs.AccessErr.Error())
	}

	// Settings.
	if obs.SettingsErr == nil && obs.Settings != nil {
		if next.HasSettings {
			keys := make([]string, 0, len(obs.Settings))
			for k := range obs.Settings {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if old, ok := next.Settings[k]; ok && old != obs.Settings[k] {
					emit(moderation.SecSettingChanged, k, old+" → "+obs.Settings[k])
				}
			}
		}
		next.Settings, next.HasSettings = cloneMap(obs.Settings), true
	} else if obs.SettingsErr != nil && !errors.Is(obs.SettingsErr, moderation.ErrUnsupported) {
		problems = append(problems, "settings: "+obs.SettingsErr.Error())
	}

	next.Error = strings.Join(problems, "; ")
	if len(problems) == 0 {
		next.OK = now
	}
	return next, evs
}

// managerEvents emits the differences between two manager lists sorted by ID.
func managerEvents(old, cur []moderation.Manager, emit func(kind, subject, detail string)) {
	was := make(map[string]moderation.Manager, len(old))
	for _, m := range old {
		was[m.ID] = m
	}
	is := make(map[string]bool, len(cur))
	for _, m := range cur {
		is[m.ID] = true
		o, ok := was[m.ID]
		switch {
		case !ok:
			emit(moderation.SecManagerAdded, m.ID, detail(m.Name, m.Role))
		case o.Role != m.Role && o.Role != moderation.RoleManager && m.Role != moderation.RoleManager:
			emit(moderation.SecManagerRole, m.ID, detail(m.Name, o.Role+" → "+m.Role))
		}
	}
	for _, m := range old {
		if !is[m.ID] {
			emit(moderation.SecManagerRemoved, m.ID, detail(m.Name, m.Role))
		}
	}
}

// keepKnownRoles keeps the role seen before of a manager whose role the
// network did not say this time (so a later real change is still seen).
func keepKnownRoles(old, cur []moderation.Manager) {
	was := make(map[string]string, len(old))
	for _, m := range old {
		was[m.ID] = m.Role
	}
	for i, m := range cur {
		if r := was[m.ID]; m.Role == moderation.RoleManager && r != "" {
			cur[i].Role = r
		}
	}
}

// detail is "Name · what" (the name, when known, helps the human reading).
func detail(name, what string) string {
	if name == "" {
		return what
	}
	return name + " · " + what
}

// Missing lists the needed rights the access does not hold.
func Missing(a moderation.Access) []string {
	var out []string
	for _, n := range a.Needed {
		if !slices.Contains(a.Rights, n) {
			out = append(out, n)
		}
	}
	return out
}

// tokenOf is the token part of a right "user:wall" ("" without one).
func tokenOf(right string) string {
	if i := strings.IndexByte(right, ':'); i > 0 {
		return right[:i]
	}
	return ""
}

type brokenToken struct{ name, err string }

// brokenTokens names the broken tokens in an Access error: its
// TokenErrors, or "token" for a credentials error that names none.
func brokenTokens(err error) []brokenToken {
	if err == nil {
		return nil
	}
	var out []brokenToken
	for _, te := range moderation.TokenErrors(err) {
		out = append(out, brokenToken{te.Token, te.Err.Error()})
	}
	if len(out) == 0 && errors.Is(err, moderation.ErrCredentials) {
		out = append(out, brokenToken{"token", err.Error()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func sortedManagers(ms []moderation.Manager) []moderation.Manager {
	out := slices.Clone(ms)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Describe is a one-line English description of an event, for logs.
func Describe(ev moderation.SecurityEvent) string {
	s := ev.Kind
	if ev.Subject != "" {
		s += " " + ev.Subject
	}
	if ev.Detail != "" {
		s += fmt.Sprintf(" (%s)", ev.Detail)
	}
	return s
}
