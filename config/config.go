// Package config loads strazh's YAML configuration strictly: every unknown
// key and every wrong type is reported with file, line and key, all at once.
// Secrets are never in the file: only the names of environment variables
// (*_env) or files (*_file) that hold them.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/web"
	"github.com/strazh/strazh/rules"
)

// Config is the whole configuration file. The key names are a contract.
type Config struct {
	// StateDir holds strazh.db and the admin socket.
	StateDir string `yaml:"state_dir"`
	// DryRun decides and records but acts on nothing ("shadow mode").
	DryRun bool `yaml:"dry_run"`
	// Retention is how long decisions are kept (default 1y = 365 days). The
	// pages' posts, security events and answered appeals are kept as long,
	// but at least 62 days, so the month report can always be made. A
	// comment last changed before it is not moderated: its decision may be
	// pruned, and a catch-up reading it again must not decide it twice.
	// Every duration takes package duration's syntax: 90s, 12h, 30d, 2w, 1y.
	Retention time.Duration `yaml:"retention"`
	Metrics   Metrics       `yaml:"metrics"`
	Log       Log           `yaml:"log"`
	Rules     rules.Config  `yaml:"rules"`
	// Telegram is the review chat; without it reviews wait for `strazh review`.
	Telegram *review.Config `yaml:"telegram"`
	// ReviewMAX is review.max, the review chat in MAX (nil: none). It has
	// no top-level spelling, so the decoder fills it from review: itself.
	ReviewMAX *review.MAXConfig `yaml:"-"`
	// ReviewWeb is review.web, the review console in a browser (nil: none),
	// decoded from review: as ReviewMAX is.
	ReviewWeb *web.Config `yaml:"-"`
	Pipeline  Pipeline    `yaml:"pipeline"`
	// Model is the learned model's policy and schedule (config/model.go).
	Model Model `yaml:"model"`
	// Guard is the account guard's schedule (config/guard.go).
	Guard Guard `yaml:"guard"`
	// Appeals is the tracking of citizens' appeals (config/appeals.go).
	Appeals Appeals `yaml:"appeals"`
	// Cadence is the decree's publication cadence (config/duties.go).
	Cadence Cadence `yaml:"cadence"`
	// Report is the report for the head sent on a schedule (config/duties.go).
	Report   Report    `yaml:"report"`
	Accounts []Account `yaml:"accounts"`

	// File is the path the configuration was read from.
	File string `yaml:"-"`
	// lines maps YAML paths to the line of their key (see Line).
	lines map[string]int
	// root is the line the document starts on: where a problem with a
	// key that was not given is reported.
	root int
}

// Metrics is the Prometheus endpoint.
type Metrics struct {
	// Listen is host:port for /metrics, /healthz and /readyz; "" turns it off.
	Listen string `yaml:"listen"`
}

// Log is the logging setup.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Pipeline tunes the daemon's core; the defaults suit most pages.
type Pipeline struct {
	// QueueSize is how many fetched batches wait per account before reading pauses.
	QueueSize int `yaml:"queue_size"`
	// ShutdownGrace bounds how long in-flight actions may take at shutdown.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
	// Retry is the back-off for actions on the networks.
	Retry moderation.RetryPolicy `yaml:",inline"`
}

// Account is one page on one network. The keys besides these belong to the
// network's connector (see connectors/<network>).
type Account struct {
	// Name is unique; it appears in metrics, logs and the audit.
	Name string `yaml:"name"`
	// Network is the connector: vk, sim, ...
	Network string `yaml:"network"`
	// Backfill moderates comments created before strazh's first start too.
	Backfill bool `yaml:"backfill"`
	// Ban holds this account's ban defaults.
	Ban Ban `yaml:"ban"`
	// BanScope is where a ban decided on this page applies: "page" (the
	// default) or "district" (every configured page of the same network).
	// With "page" a moderator can still ban district-wide from the card.
	BanScope string `yaml:"ban_scope"`
	// Registry is the page's entry in the public registry (config/duties.go).
	Registry *Registry `yaml:"registry"`

	// Conn is the connector's own configuration.
	Conn connectors.Config `yaml:"-"`
	// Line is where the account starts in the file, for messages.
	Line int `yaml:"-"`
}

// Ban holds an account's ban defaults.
type Ban struct {
	// Duration of automatic bans whose rule gives no length (30d, 2w;
	// 0 = forever). A moderator always chooses the length.
	Duration time.Duration `yaml:"duration"`
	// Comment is shown to the banned user where the network allows it.
	Comment string `yaml:"comment"`
	// Visible shows Comment to the user.
	Visible bool `yaml:"visible"`
}

// Default returns a configuration with every default set and no accounts.
func Default() Config {
	r := moderation.DefaultRetryPolicy()
	return Config{
		StateDir:  "/var/lib/strazh",
		Retention: 365 * 24 * time.Hour,
		Metrics:   Metrics{Listen: "127.0.0.1:9464"},
		Log:       Log{Level: "info", Format: "text"},
		Rules:     rules.DefaultConfig(),
		Pipeline:  Pipeline{QueueSize: 4, ShutdownGrace: 10 * time.Second, Retry: r},
		Model:     DefaultModel(),
		Guard:     DefaultGuard(),
		Appeals:   DefaultAppeals(),
		Cadence:   DefaultCadence(),
		Report:    DefaultReport(),
	}
}

// MaxFileBytes bounds a configuration file: a real one is a few KiB; a
// larger file is a log or a database named by mistake.
const MaxFileBytes = 1 << 20

// Load reads and validates a configuration file. The error lists every
// problem found, each naming file, line and key.
func Load(path string) (*Config, error) {
	data, err := readLimited(path, MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// readLimited reads a file of at most limit bytes, refusing a larger one
// without reading it whole.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: файл больше %d КиБ, это не файл конфигурации (file larger than %d KiB: not a configuration file)", path, limit>>10, limit>>10)
	}
	return data, nil
}

// secondDocument returns the line of the "---" that starts a second YAML
// document with content in data, or 0. (yaml.Unmarshal reads the first
// document and ignores the rest silently.)
func secondDocument(data []byte) int {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first, second yaml.Node
	if dec.Decode(&first) != nil || dec.Decode(&second) != nil || len(second.Content) == 0 {
		return 0
	}
	if n := second.Content[0]; n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" {
		return 0 // a trailing "---" with nothing after it
	}
	// The marker is the last "---" line before the second document's content.
	lines := strings.Split(string(data), "\n")
	for i := min(second.Content[0].Line, len(lines)) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "---") {
			return i + 1
		}
	}
	return second.Content[0].Line
}

// Parse is Load on bytes already read; path is used in messages and to
// resolve relative rule files.
func Parse(path string, data []byte) (*Config, error) {
	cfg := Default()
	cfg.File = path
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := rules.YAMLSyntax(data, err)
		return nil, Problem{File: path, Line: line, Msg: msg}
	}
	d := &decoder{file: path}
	if len(doc.Content) == 0 {
		return nil, Problem{File: path, Msg: "empty configuration"}
	}
	if line := secondDocument(data); line > 0 {
		return nil, Problem{File: path, Line: line, Msg: "a second YAML document (---): strazh reads one document, and the keys after this line would be ignored; remove the ---"}
	}
	root := doc.Content[0]
	cfg.root = max(root.Line, 1)
	if root.Kind != yaml.MappingNode {
		return nil, Problem{File: path, Line: root.Line, Msg: "the configuration must be a mapping of keys"}
	}
	var accountsNode *yaml.Node
	accountsLine := 0
	rest := &yaml.Node{Kind: yaml.MappingNode, Line: root.Line}
	var maxNode, webNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "review" {
			d.note("review", root.Content[i].Line)
			ch, mx, wb := d.reviewChannels(root, root.Content[i+1])
			rest.Content = append(rest.Content, ch...)
			maxNode, webNode = mx, wb
			continue
		}
		if root.Content[i].Value == "web" {
			d.add(root.Content[i].Line, "web", "the review console is configured as review.web, not at the top level")
			continue
		}
		if root.Content[i].Value == "accounts" {
			if accountsNode != nil {
				d.add(root.Content[i].Line, "accounts", "given twice (first on line %d)", accountsLine)
				continue
			}
			accountsNode, accountsLine = root.Content[i+1], root.Content[i].Line
			continue
		}
		rest.Content = append(rest.Content, root.Content[i], root.Content[i+1])
	}
	if tg := find(rest, "telegram"); tg != nil && tg.Tag != "!!null" {
		def := review.DefaultConfig()
		cfg.Telegram = &def
	}
	d.decode(rest, "", &cfg)
	if tg := find(rest, "telegram"); cfg.Telegram != nil && tg != nil && find(tg, "token_file") != nil && find(tg, "token_env") == nil {
		cfg.Telegram.TokenEnv = "" // the default gives way to the file named
	}
	d.decodeReviewMAX(&cfg, maxNode)
	d.decodeReviewWeb(&cfg, webNode)
	if accountsNode != nil {
		d.note("accounts", accountsLine)
		cfg.Accounts = d.accounts(accountsNode)
	}
	cfg.lines = d.lines
	var problems []error
	for _, p := range d.problems {
		problems = append(problems, p)
	}
	problems = append(problems, cfg.validate(cfg.Line)...)
	if len(problems) > 0 {
		return &cfg, errors.Join(problems...)
	}
	return &cfg, nil
}

func find(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// accounts decodes the accounts list: common keys plus the connector's own.
func (d *decoder) accounts(n *yaml.Node) []Account {
	if n.Kind != yaml.SequenceNode {
		d.add(n.Line, "accounts", "must be a list of accounts, not %s", kindName(n))
		return nil
	}
	out := make([]Account, 0, len(n.Content))
	for i, item := range n.Content {
		path := fmt.Sprintf("accounts[%d]", i)
		acc := Account{Line: item.Line}
		d.note(path, item.Line)
		if item.Kind != yaml.MappingNode {
			d.add(item.Line, path, "must be a mapping of keys, not %s", kindName(item))
			continue
		}
		netNode := find(item, "network")
		if netNode == nil {
			d.add(item.Line, path+".network", "required (one of %v)", connectors.Names())
			continue
		}
		f, ok := connectors.Lookup(netNode.Value)
		if !ok {
			d.add(netNode.Line, path+".network", "unknown network %q (known: %v)", netNode.Value, connectors.Names())
			continue
		}
		acc.Conn = f.Config()
		d.decode(item, path, &acc, acc.Conn)
		out = append(out, acc)
	}
	return out
}

// validate checks values and combinations; problems name their keys, and
// the line where the key was given (line looks it up; 0 for defaults).
func (c *Config) validate(line func(path string) int) []error {
	var errs []error
	bad := func(at int, key, format string, args ...any) {
		if at == 0 {
			at = line(key)
		}
		errs = append(errs, Problem{File: c.File, Line: at, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if c.StateDir == "" {
		bad(0, "state_dir", "required")
	} else if !filepath.IsAbs(c.StateDir) {
		bad(0, "state_dir", "%q must be an absolute path", c.StateDir)
	}
	if c.Retention < 24*time.Hour {
		bad(0, "retention", "%s is shorter than a day", c.Retention)
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			bad(0, "metrics.listen", "%q is not host:port", c.Metrics.Listen)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad(0, "log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad(0, "log.format", "%q is not text or json", c.Log.Format)
	}
	if c.Pipeline.QueueSize < 1 || c.Pipeline.QueueSize > 1024 {
		bad(0, "pipeline.queue_size", "%d is not between 1 and 1024", c.Pipeline.QueueSize)
	}
	if c.Pipeline.ShutdownGrace == 0 {
		bad(0, "pipeline.shutdown_grace", "0 would mean the default 10s: give how long in-flight actions may finish at shutdown, more than 0")
	}
	if c.Pipeline.Retry.MaxRetries < 1 {
		bad(0, "pipeline.max_retries", "must be at least 1")
	}
	if c.Pipeline.Retry.InitialInterval <= 0 || c.Pipeline.Retry.MaxInterval < c.Pipeline.Retry.InitialInterval {
		bad(0, "pipeline.initial_interval", "must be > 0 and not above pipeline.max_interval")
	}
	c.checkModel(bad)
	c.checkGuard(bad)
	c.checkAppeals(bad)
	c.checkDuties(bad)
	if err := c.Rules.Validate(); err != nil {
		errs = append(errs, c.Problems(err)...)
	}
	if c.Telegram != nil {
		if err := c.Telegram.Validate(); err != nil {
			errs = append(errs, c.Problems(err)...)
		}
	}
	errs = append(errs, c.checkReviewMAX()...)
	if c.ReviewWeb != nil {
		if err := c.ReviewWeb.Validate(); err != nil {
			errs = append(errs, c.Problems(err)...)
		}
		errs = append(errs, c.checkReviewWebTimeouts()...)
	}
	if len(c.Accounts) == 0 {
		bad(0, "accounts", "at least one account is required")
	}
	names := map[string]int{}
	pages := map[string]int{} // network and page → first account
	for i, a := range c.Accounts {
		path := fmt.Sprintf("accounts[%d]", i)
		if a.Name == "" {
			bad(a.Line, path+".name", "required")
		} else if prev, dup := names[a.Name]; dup {
			bad(0, path+".name", "%q is also the name of accounts[%d]", a.Name, prev)
		} else {
			names[a.Name] = i
		}
		if a.Ban.Duration < 0 {
			bad(0, path+".ban.duration", "must not be negative")
		}
		switch a.BanScope {
		case "", "page", "district":
		default:
			bad(0, path+".ban_scope", "%q is not page or district", a.BanScope)
		}
		if pg, ok := a.Conn.(connectors.Paged); ok {
			if key, id := pg.Page(); id != "" {
				k := a.Network + "\x00" + id
				if prev, dup := pages[k]; dup {
					bad(0, path+"."+key, "the same page as accounts[%d] (%s): each would decide every comment of it, twice; configure a page once",
						prev, c.Accounts[prev].Name)
				} else {
					pages[k] = i
				}
			}
		}
		if a.Conn != nil {
			if err := a.Conn.Validate(); err != nil {
				label := path
				if a.Name != "" {
					label = fmt.Sprintf("%s (%s)", path, a.Name)
				}
				for _, e := range Flatten(err) {
					// Connectors name their key first ("group_id: ..."):
					// point at its line when it was given.
					at := a.Line
					if k, _, ok := strings.Cut(e.Error(), ":"); ok && isPath(k) {
						at = line(path + "." + k)
					}
					errs = append(errs, Problem{File: c.File, Line: at, Key: label, Msg: e.Error()})
				}
			}
		}
	}
	return errs
}

// Line is the line where the key at a YAML path was given, or where its
// nearest given parent was ("telegram.moderators" not given: the line of
// "telegram"), or where the document starts: never 0 for a parsed file.
func (c *Config) Line(path string) int {
	for p := path; p != ""; {
		if l := c.lines[p]; l > 0 {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return max(c.root, 1)
}

// Problem places an error that starts with a YAML path ("rules.disable[0]:
// no rule or pack ...", as the rules and the review chat name their keys)
// at that key's line of this file. A rules.FileError about the
// configuration's own words (file "config") is placed the same way; one in
// a rule file is returned as it is.
func (c *Config) Problem(err error) error {
	var p Problem
	if errors.As(err, &p) {
		return p
	}
	var fe *rules.FileError
	if errors.As(err, &fe) {
		if fe.File != rules.ConfigFile {
			return fe
		}
		return Problem{File: c.File, Line: c.Line(fe.Key), Key: fe.Key, Msg: fe.Err.Error()}
	}
	msg := err.Error()
	if k, rest, ok := strings.Cut(msg, ": "); ok && isPath(k) {
		return Problem{File: c.File, Line: c.Line(k), Key: k, Msg: rest}
	}
	return Problem{File: c.File, Line: max(c.root, 1), Msg: msg}
}

// Problems is Problem for each error inside a joined one.
func (c *Config) Problems(err error) []error {
	var out []error
	for _, e := range Flatten(err) {
		out = append(out, c.Problem(e))
	}
	return out
}

// isPath says whether s looks like a YAML path (rules.words.insult[0]).
func isPath(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '_' || r == '[' || r == ']' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Flatten lists the errors inside a joined error, one per problem. A
// joined error wrapped with a prefix ("vk: " + join) gives each problem
// with that prefix.
func Flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	if inner := errors.Unwrap(err); inner != nil {
		if parts := Flatten(inner); len(parts) > 1 {
			prefix, found := strings.CutSuffix(err.Error(), inner.Error())
			if found {
				out := make([]error, len(parts))
				for i, p := range parts {
					out[i] = fmt.Errorf("%s%w", prefix, p)
				}
				return out
			}
		}
	}
	return []error{err}
}

// DBPath is where the database lives.
func (c *Config) DBPath() string { return filepath.Join(c.StateDir, "strazh.db") }

// SocketPath is the daemon's admin socket.
func (c *Config) SocketPath() string { return filepath.Join(c.StateDir, "strazh.sock") }

// Dir is the configuration file's directory (relative rule files resolve there).
func (c *Config) Dir() string { return filepath.Dir(c.File) }
