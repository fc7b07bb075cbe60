package rules

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

//go:embed packs
var packsFS embed.FS

// source is one rule file's bytes and the name errors show.
type source struct {
	name string
	data []byte
}

// Load reads the builtin packs and the configured files, compiles them and
// applies the config (disable, words, banned_organisations, actions).
// Relative paths and globs in cfg.Files resolve against baseDir. Errors
// name file, line and key; on error no Engine is returned, so a caller
// reloading rules keeps the old Engine.
func Load(cfg Config, baseDir string) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var srcs []source
	var errs []error
	if cfg.Builtin != "none" {
		b, err := builtinSources("ru")
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, b...)
	}
	for i, f := range cfg.Files {
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(baseDir, p)
		}
		matches, err := filepath.Glob(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("rules.files[%d]: %w", i, err))
			continue
		}
		if len(matches) == 0 {
			errs = append(errs, fmt.Errorf("rules.files[%d]: no file matches %q", i, p))
			continue
		}
		sort.Strings(matches)
		for _, m := range matches {
			data, err := readRuleFile(m)
			if err != nil {
				errs = append(errs, fmt.Errorf("rules.files[%d]: %w", i, err))
				continue
			}
			srcs = append(srcs, source{name: m, data: data})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return compileWithModel(srcs, cfg, func() (*model.Model, error) { return loadModel(cfg.Model, baseDir) })
}

// MaxFileBytes bounds one rule file: the shipped packs are under 100 KiB;
// 8 MiB is some 400,000 lexicon entries (about 120 MB of memory, see
// LexiconEntryBytes), and a larger file is a dump or a database named by
// mistake.
const MaxFileBytes = 8 << 20

// readRuleFile reads a rule file of at most MaxFileBytes.
func readRuleFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%s: файл правил больше %d МиБ (rule file larger than %d MiB): split it or check it is a rule file", name, MaxFileBytes>>20, MaxFileBytes>>20)
	}
	return data, nil
}

// builtinSources returns the embedded pack files of a set, in name order.
func builtinSources(set string) ([]source, error) {
	dir := path.Join("packs", set)
	ents, err := fs.ReadDir(packsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("rules.builtin: %w", err)
	}
	var out []source
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := packsFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, source{name: "builtin:" + set + "/" + e.Name(), data: data})
	}
	return out, nil
}

// ConfigFile is the File of a FileError about the configuration's own
// rules section (rules.words, rules.banned_organisations): the config
// loader places it at the key's line.
const ConfigFile = "config"

// lexicon is a named list of entries.
type lexicon struct {
	name     string
	file     string
	line     int
	patterns []*pattern
	masked   bool // used by a masked condition
}

// builder collects lexicons and rules from all files.
type builder struct {
	lexicons    []*lexicon
	lexIndex    map[string]int32
	modelLabels []string  // labels of model conditions, in first use
	pn          pieceNorm // the entries' normaliser
}

func (b *builder) addLexicon(d *decoder, name string, line int, entries []entrySpec) {
	if i, ok := b.lexIndex[name]; ok {
		l := b.lexicons[i]
		d.errs = append(d.errs, &FileError{File: d.file, Line: line, Key: "lexicons." + name,
			Err: fmt.Errorf("lexicon %q already defined in %s:%d", name, l.file, l.line)})
		return
	}
	l := &lexicon{name: name, file: d.file, line: line}
	b.lexIndex[name] = int32(len(b.lexicons))
	b.lexicons = append(b.lexicons, l)
	b.addEntries(d, l, entries)
}

func (b *builder) addEntries(d *decoder, l *lexicon, entries []entrySpec) {
	for _, e := range entries {
		p, err := parsePatternWith(e.src, &b.pn)
		if err != nil {
			d.errs = append(d.errs, &FileError{File: d.file, Line: e.line, Key: e.key, Err: err})
			continue
		}
		l.patterns = append(l.patterns, p)
	}
}

// compileSources compiles without a model (model conditions never hold).
func compileSources(srcs []source, cfg Config) (*Engine, error) {
	return compileWithModel(srcs, cfg, nil)
}

// compileWithModel compiles the sources; when some rule asks the model,
// loadModel (if not nil) supplies it. Without such a rule no model is
// loaded: it costs neither memory nor time.
func compileWithModel(srcs []source, cfg Config, loadModel func() (*model.Model, error)) (*Engine, error) {
	var specs []*fileSpec
	var errs []error
	for _, s := range srcs {
		fs, err := decodeFile(s.name, s.data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if fs.pack == "" {
			base := path.Base(filepath.ToSlash(s.name))
			fs.pack = strings.TrimSuffix(base, path.Ext(base))
		}
		specs = append(specs, fs)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	b := &builder{lexIndex: map[string]int32{}}
	for _, fs := range specs {
		d := &decoder{file: fs.name}
		for _, l := range fs.lexicons {
			b.addLexicon(d, l.name, l.line, l.entries)
		}
		errs = append(errs, d.errs...)
	}
	// config words
	cd := &decoder{file: ConfigFile}
	names := make([]string, 0, len(cfg.Words))
	for n := range cfg.Words {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		i, ok := b.lexIndex[n]
		if !ok {
			errs = append(errs, fmt.Errorf("rules.words.%s: no lexicon named %q", n, n))
			continue
		}
		var es []entrySpec
		for j, w := range cfg.Words[n] {
			es = append(es, entrySpec{src: w, key: fmt.Sprintf("rules.words.%s[%d]", n, j)})
		}
		b.addEntries(cd, b.lexicons[i], es)
	}
	if len(cfg.BannedOrganisations) > 0 {
		var es []entrySpec
		for j, w := range cfg.BannedOrganisations {
			es = append(es, entrySpec{src: stemPhrase(w), key: fmt.Sprintf("rules.banned_organisations[%d]", j)})
		}
		if i, ok := b.lexIndex["banned_organisations"]; ok {
			b.addEntries(cd, b.lexicons[i], es)
		} else {
			b.addLexicon(cd, "banned_organisations", 0, es)
		}
	}
	errs = append(errs, cd.errs...)

	e := &Engine{}
	ids := map[string]*rule{}
	order := 0
	for _, fs := range specs {
		c := &compiler{decoder: &decoder{file: fs.name}, b: b}
		var fileRules []*rule
		for _, rs := range fs.rules {
			c.rule = rs.id
			r := &rule{
				id: rs.id, label: rs.label, file: fs.name, pack: fs.pack, line: rs.line,
				banFor: rs.banFor, priority: rs.priority, stop: rs.stop, urgent: rs.urgent,
				exempt: rs.exempt, enabled: rs.enabled, district: rs.district, accounts: rs.accounts, escalate: rs.escalate,
				order: order, examples: rs.examples, key: rs.key,
			}
			order++
			r.action, _ = parseAction(rs.action)
			r.tag = isTag(rs.action)
			if prev, ok := ids[rs.id]; ok {
				errs = append(errs, &FileError{File: fs.name, Line: rs.line, Key: rs.key + ".id",
					Err: fmt.Errorf("duplicate rule id %q (first in %s:%d)", rs.id, prev.file, prev.line)})
				continue
			}
			ids[rs.id] = r
			r.cond = c.cond(rs.when, rs.key+".when")
			tmpl, err := parseTemplate(rs.reason, r)
			if err != nil {
				c.fail(nil, rs.key+".reason", "%v", err)
			}
			r.reason = tmpl
			fileRules = append(fileRules, r)
		}
		for _, fe := range c.errs {
			if fe, ok := fe.(*FileError); ok && fe.Line == 0 {
				for _, rs := range fs.rules {
					if strings.HasPrefix(fe.Key, rs.key+".") {
						fe.Line = rs.line
					}
				}
			}
		}
		errs = append(errs, c.errs...)
		e.files = append(e.files, &ruleFile{name: fs.name, pack: fs.pack, rules: fileRules, examples: fs.examples,
			empty: len(fs.rules) == 0 && len(fs.lexicons) == 0})
		e.all = append(e.all, fileRules...)
	}
	// disable and action overrides
	for i, d := range cfg.Disable {
		hit := false
		for _, r := range e.all {
			if r.id == d || r.pack == d || (strings.HasSuffix(d, ".*") && strings.HasPrefix(r.id, d[:len(d)-1])) {
				r.enabled = false
				hit = true
			}
		}
		if !hit {
			errs = append(errs, fmt.Errorf("rules.disable[%d]: no rule or pack %q", i, d))
		}
	}
	for id, a := range cfg.Actions {
		r, ok := ids[id]
		if !ok {
			errs = append(errs, fmt.Errorf("rules.actions.%s: no rule %q", id, id))
			continue
		}
		r.action, _ = parseAction(a)
		r.tag = isTag(a)
	}
	for _, r := range e.all {
		capModel(r, cfg.Model)
	}
	e.all = append(e.all, optInRules(b, cfg.Model, order)...)
	e.keep = keepRules(b, cfg.Model)
	// The model is loaded when an enabled rule asks it (`disable: [model]`
	// means no model, no scoring, no learning) or the operator names one.
	asks := len(e.keep) > 0
	for _, r := range e.all {
		if r.enabled {
			modelLeaves(r.cond, func(*cond) { asks = true })
		}
	}
	var m *model.Model
	if loadModel != nil && (asks || (cfg.Model.File != "" && cfg.Model.File != "none")) {
		var err error
		if m, err = loadModel(); err != nil {
			return nil, err
		}
	}
	e.modelLabels, e.model = b.modelLabels, m
	idx, err := bindModel(e.all, b.modelLabels, m)
	if err != nil {
		errs = append(errs, err)
	}
	e.modelIdx = idx
	e.setPage(m, Page{})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	e.lexicons = b.lexicons
	for _, d := range append(slices.Clip(DefaultTrustedDomains), cfg.TrustedDomains...) {
		t, _ := parseTrusted(d) // validated above
		e.trusted = append(e.trusted, t)
	}
	e.build()
	return e, nil
}

// rule is one compiled rule.
type rule struct {
	id, label, file, pack string
	line                  int
	action                moderation.Verdict
	banFor                time.Duration
	priority              int
	stop, urgent, exempt  bool
	enabled               bool
	tag                   bool // action: tag: records its match and label, never changes the verdict
	district              bool // ban_scope: district: its bans apply on every page of the network
	accounts              []string
	escalate              *escalation
	cond                  *cond
	need                  uint64 // see need: the rule is skipped without one of these
	needOK                bool
	needAll               uint64 // see needAll: skipped unless all of these are present
	reason                template
	examples              examplesSpec
	order                 int
	key                   string // YAML path in its file: rules[3]
}

// escalation strengthens a rule's action for repeat offenders: after
// `after` earlier violations within `within`, the action becomes `action`.
type escalation struct {
	after  int
	within time.Duration
	action moderation.Verdict
	banFor time.Duration
}

type ruleFile struct {
	name, pack string
	rules      []*rule
	examples   examplesSpec
	empty      bool // neither rules nor lexicons
}

// stemPhrase turns a name into an entry that matches its inflected forms:
// words of six letters or more lose two letters, of four or five one, and
// match as word starts ("запрещённая организация" → "запрещённ* организац*").
func stemPhrase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		rs := []rune(w)
		switch {
		case len(rs) >= 6:
			words[i] = string(rs[:len(rs)-2]) + "*"
		case len(rs) >= 4:
			words[i] = string(rs[:len(rs)-1]) + "*"
		}
	}
	return strings.Join(words, " ")
}
