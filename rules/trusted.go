package rules

import (
	"fmt"
	"strings"
)

// DefaultTrustedDomains are the state sites a plain link to is never
// advertising: federal and regional government portals. A subdomain is
// trusted with its domain (gov.ru covers nalog.gov.ru and
// publication.pravo.gov.ru). rules.trusted_domains adds the page's own
// sites.
var DefaultTrustedDomains = []string{
	"gosuslugi.ru", "госуслуги.рф", "gov.ru", "government.ru", "kremlin.ru",
	"mos.ru", "mosreg.ru", "gov.spb.ru", "gu.spb.ru", "rospotrebnadzor.ru", "cbr.ru", "mvd.ru", "мвд.рф",
}

// trustedSite is one entry of rules.trusted_domains: a domain with its
// subdomains, optionally only under a path (vk.com/admin_gorod).
type trustedSite struct {
	host, path string
}

// parseTrusted reads an entry: "gosuslugi.ru", "*.gov.ru" (the same as
// "gov.ru"), "https://admin-gorod.ru/" or "vk.com/admin_gorod".
func parseTrusted(s string) (trustedSite, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "https://"), "http://")
	t = strings.TrimPrefix(strings.TrimPrefix(t, "*."), "www.")
	host, path, _ := strings.Cut(t, "/")
	if host == "" || strings.ContainsAny(host, " *@:?#") || !strings.Contains(host, ".") ||
		strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") {
		return trustedSite{}, fmt.Errorf("%q: want a domain such as gosuslugi.ru, *.gov.ru or vk.com/admin_gorod", s)
	}
	if path = strings.TrimSuffix(path, "/"); path != "" {
		path = "/" + path
	}
	return trustedSite{host: host, path: path}, nil
}

// trusted reports whether l goes to one of the sites.
func trusted(l link, sites []trustedSite) bool {
	for _, t := range sites {
		if !hostIs(l.host, t.host) {
			continue
		}
		if t.path == "" {
			return true
		}
		// the path must follow the host in the link's text
		i := strings.Index(strings.ToLower(l.text), strings.ToLower(l.host)) // rare path: links only
		if i < 0 {
			continue
		}
		rest := l.text[i+len(l.host):]
		if len(rest) >= len(t.path) && strings.EqualFold(rest[:len(t.path)], t.path) &&
			(len(rest) == len(t.path) || strings.ContainsRune("/?#", rune(rest[len(t.path)]))) {
			return true
		}
	}
	return false
}
