package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/rules"
)

// validation is what checking a configuration found: `strazh check`,
// `strazh run` and a SIGHUP reload all go through validate, so they agree
// on every problem.
type validation struct {
	cfg      *config.Config // nil when the file could not be parsed
	engine   *rules.Engine  // nil when the rules have problems
	problems []error        // each names file, line and key
	warnings []error
}

// validate loads the configuration at path (none: the shipped packs alone)
// and its rules plus extra rule files, runs every rule file's examples, and
// collects the warnings. Secrets are not read (see checkSecrets).
func validate(path string, extra []string) validation {
	var v validation
	rc, dir := rules.DefaultConfig(), "."
	if path != "" {
		cfg, err := config.Load(path)
		if err != nil {
			v.problems = append(v.problems, config.Flatten(err)...)
		}
		if cfg == nil {
			return v
		}
		v.cfg, rc, dir = cfg, cfg.Rules, cfg.Dir()
		if cfg.Rules.Validate() != nil {
			// config.Load has reported them, each on its line; rules.Load
			// would only repeat them.
			return v
		}
	}
	rc.Files = append(rc.Files, extra...)
	engine, err := rules.Load(rc, dir)
	if err != nil {
		v.problems = append(v.problems, v.place(err)...)
		return v
	}
	if err := engine.SelfTest(); err != nil {
		v.problems = append(v.problems, config.Flatten(err)...)
		return v
	}
	v.engine = engine
	var names []string
	if v.cfg != nil {
		names = []string{}
		for _, a := range v.cfg.Accounts {
			names = append(names, a.Name)
		}
		for _, s := range v.cfg.Secrets() {
			if err := secret.FileWarning(s.Key, s.File); err != nil {
				v.warnings = append(v.warnings, fmt.Errorf("%s:%d: %w", v.cfg.File, s.Line, err))
			}
		}
		v.warnings = append(v.warnings, v.cfg.Warnings()...)
	}
	v.warnings = append(v.warnings, engine.Warnings(names)...)
	return v
}

// place puts the rules' errors about the configuration's own keys
// (rules.files, rules.disable, rules.words) on their lines of the file.
func (v *validation) place(err error) []error {
	if v.cfg == nil {
		return config.Flatten(err)
	}
	return v.cfg.Problems(err)
}

// checkSecrets builds every connector and reads the review chat's token,
// as `strazh run` does. A secret that is configured but cannot be read
// here (unset variable, missing file) is a warning, since check may run on
// another machine, unless required; every other error is a problem, since
// run refuses it too.
func (v *validation) checkSecrets(required bool) {
	if v.cfg == nil || len(v.problems) > 0 {
		return
	}
	var errs []error
	if _, err := buildAccounts(v.cfg, time.Time{}, slog.New(slog.DiscardHandler), nil, nil); err != nil {
		errs = append(errs, config.Flatten(err)...)
	}
	if t := v.cfg.Telegram; t != nil {
		if tok, err := secret.Resolve("telegram.token", t.TokenEnv, t.TokenFile); err == nil {
			errs = append(errs, sameBotToken(v.cfg, tok)...)
		} else {
			key := "telegram.token_env"
			if t.TokenFile != "" {
				key = "telegram.token_file"
			}
			errs = append(errs, fmt.Errorf("%s:%d: %w", v.cfg.File, v.cfg.Line(key), err))
		}
	}
	if m := v.cfg.ReviewMAX; m != nil {
		if tok, err := secret.Resolve("review.max.token", m.TokenEnv, m.TokenFile); err == nil {
			errs = append(errs, sameMAXToken(v.cfg, tok)...)
		} else {
			key := "review.max.token_env"
			if m.TokenFile != "" {
				key = "review.max.token_file"
			}
			errs = append(errs, fmt.Errorf("%s:%d: %w", v.cfg.File, v.cfg.Line(key), err))
		}
	}
	for _, e := range errs {
		if errors.Is(e, secret.ErrUnavailable) && !required {
			v.warnings = append(v.warnings, e)
		} else {
			v.problems = append(v.problems, e)
		}
	}
}

// print writes the warnings and then the problems, each once, and says
// how many problems there were.
func (v *validation) print(w io.Writer) {
	for _, e := range unique(v.warnings) {
		fmt.Fprintf(w, "warning: %v\n", e)
	}
	ps := unique(v.problems)
	for _, p := range ps {
		fmt.Fprintln(w, p)
	}
	if len(ps) > 0 {
		fmt.Fprintf(w, "%d problem(s) found\n", len(ps))
	}
}

// err is the problems joined, each once; nil without any.
func (v *validation) err() error { return errors.Join(unique(v.problems)...) }

func unique(errs []error) []error {
	seen := map[string]bool{}
	var out []error
	for _, e := range errs {
		if s := e.Error(); !seen[s] {
			seen[s] = true
			out = append(out, e)
		}
	}
	return out
}

// secretLine is the line of the secret key of account i that err names
// ("user_token_env: environment variable … not set"), else the account's.
func secretLine(cfg *config.Config, i int, err error) int {
	prefix := fmt.Sprintf("accounts[%d].", i)
	msg := err.Error()
	for _, s := range cfg.Secrets() {
		base, ok := strings.CutPrefix(s.Key, prefix)
		if ok && (strings.Contains(msg, base+"_env") || strings.Contains(msg, base+"_file")) {
			return s.Line
		}
	}
	return cfg.Accounts[i].Line
}
