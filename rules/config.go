// Package rules is strazh's rule engine: rule files in YAML that a press
// secretary can read and change, compiled once into an Engine that decides
// allow / review / delete / ban for every comment. Matching runs on a
// normalised form of the text (see rules/normalize) and is read-only, so
// one Engine serves all goroutines. The package does no I/O beyond reading
// rule files in Load.
package rules

import (
	"errors"
	"fmt"
	"strings"
)

// Config is the `rules:` section of strazh's YAML config.
type Config struct {
	// Builtin names the embedded rule packs to load first: "ru" (the
	// default) or "none".
	Builtin string `yaml:"builtin"`
	// Files are extra rule files or globs, relative to the config file's
	// directory; they are loaded after the builtin packs, in order.
	Files []string `yaml:"files"`
	// Disable switches off rules or whole packs by id: a rule id
	// ("spam.earnings"), a pack id ("spam") or a prefix with ".*"
	// ("insults.*").
	Disable []string `yaml:"disable"`
	// Words adds entries to named lexicons (key: lexicon name, value:
	// entries in the lexicon syntax, e.g. "хамло*" or "!хамлет*").
	Words map[string][]string `yaml:"words"`
	// BannedOrganisations lists names of organisations banned in Russia;
	// mentioning one together with support for it goes to review. They
	// are added to the lexicon "banned_organisations".
	BannedOrganisations []string `yaml:"banned_organisations"`
	// Actions overrides the action of rules by id: allow, review, delete
	// or ban (for example to send spam.earnings to review at first).
	Actions map[string]string `yaml:"actions"`
	// Model is the learned model (see rules/model and ModelConfig).
	Model ModelConfig `yaml:"model"`
	// TrustedDomains are sites a link to is never counted as a link by the
	// rules (link:, links:): the page's own sites and portals, added to
	// DefaultTrustedDomains. An entry is a domain with its subdomains
	// ("admin-gorod.ru", "*.gov.ru") or a domain and path
	// ("vk.com/admin_gorod").
	TrustedDomains []string `yaml:"trusted_domains"`
}

// DefaultConfig returns the builtin Russian packs and nothing else.
func DefaultConfig() Config { return Config{Builtin: "ru"} }

// Validate checks the configuration without reading files; problems name
// their key ("rules.files[1]: empty path").
func (c Config) Validate() error {
	var errs []error
	switch c.Builtin {
	case "", "ru", "none":
	default:
		errs = append(errs, fmt.Errorf("rules.builtin: unknown pack set %q (want ru or none)", c.Builtin))
	}
	for i, f := range c.Files {
		if strings.TrimSpace(f) == "" {
			errs = append(errs, fmt.Errorf("rules.files[%d]: empty path", i))
		}
	}
	for i, d := range c.Disable {
		if strings.TrimSpace(d) == "" {
			errs = append(errs, fmt.Errorf("rules.disable[%d]: empty id", i))
		}
	}
	for name, ws := range c.Words {
		if strings.TrimSpace(name) == "" {
			errs = append(errs, errors.New("rules.words: empty lexicon name"))
		}
		for i, w := range ws {
			if _, err := parsePattern(w); err != nil {
				errs = append(errs, fmt.Errorf("rules.words.%s[%d]: %w", name, i, err))
			}
		}
	}
	for i, w := range c.BannedOrganisations {
		if _, err := parsePattern(w); err != nil {
			errs = append(errs, fmt.Errorf("rules.banned_organisations[%d]: %w", i, err))
		}
	}
	for i, d := range c.TrustedDomains {
		if _, err := parseTrusted(d); err != nil {
			errs = append(errs, fmt.Errorf("rules.trusted_domains[%d]: %w", i, err))
		}
	}
	for id, a := range c.Actions {
		if _, err := parseAction(a); err != nil {
			errs = append(errs, fmt.Errorf("rules.actions.%s: %w", id, err))
		}
	}
	errs = append(errs, c.Model.validate()...)
	return errors.Join(errs...)
}
