// Package sim is the connector of the simulated network served by
// connectors/sim/simtest. It exists for the demo and the end-to-end tests:
// it goes through real HTTP, real error classes and a real cursor, so the
// daemon is exercised exactly as with a production network.
package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// Network is the name accounts use: `network: sim`.
const Network = "sim"

func init() {
	connectors.Register(Network, connectors.Factory{
		Config: func() connectors.Config { c := DefaultConfig(); return &c },
		New: func(cfg connectors.Config, deps connectors.Deps) (moderation.Connector, error) {
			return New(*cfg.(*Config), deps)
		},
	})
}

// Config is a sim account's own keys.
type Config struct {
	// APIURL is the simulated network's base URL (required).
	APIURL string `yaml:"api_url"`
	// TokenEnv / TokenFile name where the access token is.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// PollWait is how long one long poll may wait for events.
	PollWait time.Duration `yaml:"poll_wait"`
}

// DefaultConfig holds the defaults.
func DefaultConfig() Config { return Config{PollWait: 25 * time.Second} }

// Validate implements connectors.Config.
func (c *Config) Validate() error {
	var errs []error
	if c.APIURL == "" {
		errs = append(errs, errors.New("api_url: required"))
	} else if u, err := url.Parse(c.APIURL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		errs = append(errs, fmt.Errorf("api_url: %q is not an http(s) URL", c.APIURL))
	}
	if c.TokenEnv == "" && c.TokenFile == "" {
		errs = append(errs, errors.New("token_env or token_file: required"))
	}
	if c.PollWait <= 0 || c.PollWait > 90*time.Second {
		errs = append(errs, fmt.Errorf("poll_wait: %s is not between 1s and 90s", c.PollWait))
	}
	return errors.Join(errs...)
}

// Conn is one sim account.
type Conn struct {
	cfg     Config
	deps    connectors.Deps
	token   string
	client  *http.Client
	log     *slog.Logger
	base    string
	mu      sync.Mutex
	page    string
	manager map[string]bool
}

// New builds a connector; it reads the token but touches no network.
func New(cfg Config, deps connectors.Deps) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tok, err := secret.Resolve("token", cfg.TokenEnv, cfg.TokenFile)
	if err != nil {
		return nil, err
	}
	client := deps.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.PollWait + 15*time.Second}
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("network", Network, "account", deps.Account)
	return &Conn{cfg: cfg, deps: deps, token: tok, client: client, log: log,
		base: strings.TrimRight(cfg.APIURL, "/")}, nil
}

// Capabilities implements moderation.Actor: the sim network can do all.
func (c *Conn) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true, Unban: true, Restore: true}
}

// Connect checks the token and learns who the page's managers are.
func (c *Conn) Connect(ctx context.Context) error {
	var out struct {
		PageID   string   `json:"page_id"`
		Managers []string `json:"managers"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/managers", nil, &out); err != nil {
		return fmt.Errorf("sim: connect: %w", err)
	}
	m := make(map[string]bool, len(out.Managers))
	for _, id := range out.Managers {
		m[id] = true
	}
	c.mu.Lock()
	c.page, c.manager = out.PageID, m
	c.mu.Unlock()
	return nil
}

// Close implements moderation.Connector.
func (c *Conn) Close(context.Context) error { return nil }

type event struct {
	Seq     int64  `json:"seq"`
	Type    string `json:"type"`
	Comment struct {
		ID         string `json:"id"`
		PostID     string `json:"post_id"`
		AuthorID   string `json:"author_id"`
		AuthorName string `json:"author_name"`
		Text       string `json:"text"`
		Created    int64  `json:"created"`
		Edited     int64  `json:"edited"`
		ReplyTo    string `json:"reply_to"`
	} `json:"comment"`
	AuthorID string `json:"author_id"`
	Until    int64  `json:"until"`
	Reason   string `json:"reason"`
}

// Fetch long-polls for events after the cursor (the last event's sequence
// number, in decimal).
func (c *Conn) Fetch(ctx context.Context, cursor []byte) ([]moderation.Update, []byte, error) {
	var after int64
	if len(cursor) > 0 {
		n, err := strconv.ParseInt(string(cursor), 10, 64)
		if err != nil {
			return nil, cursor, fmt.Errorf("sim: cursor %q: %w", cursor, moderation.ErrItem)
		}
		after = n
	}
	var out struct {
		Events []event `json:"events"`
		Next   int64   `json:"next"`
	}
	q := "/api/events?after=" + strconv.FormatInt(after, 10) + "&wait=" + strconv.Itoa(int(c.cfg.PollWait/time.Second))
	if err := c.do(ctx, http.MethodGet, q, nil, &out); err != nil {
		return nil, cursor, fmt.Errorf("sim: fetch: %w", err)
	}
	c.mu.Lock()
	page, managers := c.page, c.manager
	c.mu.Unlock()
	ups := make([]moderation.Update, 0, len(out.Events))
	for _, e := range out.Events {
		switch e.Type {
		case "new", "edit", "restore":
			cm := e.Comment
			u := moderation.Update{Type: moderation.UpdateComment, Comment: moderation.Comment{
				Network: Network, Account: c.deps.Account, Kind: moderation.KindWallComment,
				ID: moderation.MakeID(Network, c.deps.Account, cm.ID), Ref: cm.ID, PostID: cm.PostID,
				Permalink: c.base + "/post/" + cm.PostID + "#" + cm.ID,
				Author: moderation.Author{ID: cm.AuthorID, Name: cm.AuthorName, ProfileURL: c.base + "/user/" + cm.AuthorID,
					IsPage: cm.AuthorID == page, IsManager: managers[cm.AuthorID]},
				Text: cm.Text, Created: time.UnixMilli(cm.Created),
			}}
			if cm.ReplyTo != "" {
				u.Comment.ReplyTo = moderation.MakeID(Network, c.deps.Account, cm.ReplyTo)
			}
			if e.Type == "edit" {
				u.Comment.Edited = time.UnixMilli(cm.Edited)
			}
			if e.Type == "restore" {
				u.Type = moderation.UpdateRestored
			}
			ups = append(ups, u)
		case "block", "unblock":
			u := moderation.Update{Type: moderation.UpdateBlocked, Author: moderation.Author{ID: e.AuthorID}, Reason: e.Reason, By: "admin"}
			if e.Until > 0 {
				u.Until = time.Unix(e.Until, 0)
			}
			if e.Type == "unblock" {
				u.Type = moderation.UpdateUnblocked
			}
			ups = append(ups, u)
		default:
			c.log.Warn("sim: unknown event type skipped", "type", e.Type, "seq", e.Seq)
		}
	}
	return ups, []byte(strconv.FormatInt(out.Next, 10)), nil
}

// Delete implements moderation.Actor.
func (c *Conn) Delete(ctx context.Context, ref string) error {
	err := c.do(ctx, http.MethodPost, "/api/comments/delete", map[string]any{"id": ref}, nil)
	if errors.Is(err, errNotFound) {
		return nil // gone already: what we wanted
	}
	return wrap("delete", ref, err)
}

// Restore implements moderation.Actor.
func (c *Conn) Restore(ctx context.Context, ref string) error {
	return wrap("restore", ref, c.do(ctx, http.MethodPost, "/api/comments/restore", map[string]any{"id": ref}, nil))
}

// Ban implements moderation.Actor.
func (c *Conn) Ban(ctx context.Context, author string, b moderation.BanRequest) error {
	body := map[string]any{"author_id": author, "reason": b.Label, "comment": b.Comment}
	if !b.Until.IsZero() {
		body["until"] = b.Until.Unix()
	}
	return wrap("ban", author, c.do(ctx, http.MethodPost, "/api/bans", body, nil))
}

// Reply implements moderation.Replier: the page answers the comment in its
// thread.
func (c *Conn) Reply(ctx context.Context, ref, text string) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/comments/reply", map[string]any{"id": ref, "text": text}, &out); err != nil {
		return "", wrap("reply to", ref, err)
	}
	return out.ID, nil
}

// Unban implements moderation.Actor.
func (c *Conn) Unban(ctx context.Context, author string) error {
	return wrap("unban", author, c.do(ctx, http.MethodPost, "/api/bans/delete", map[string]any{"author_id": author}, nil))
}

func wrap(op, id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sim: %s %s: %w", op, id, err)
}

var errNotFound = fmt.Errorf("not found: %w", moderation.ErrItem)

// do sends one request and sorts its failure into the pipeline's classes.
func (c *Conn) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return &moderation.BackOffError{Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return &moderation.BackOffError{Err: fmt.Errorf("read response: %w", err)}
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		msg := fmt.Errorf("HTTP %d %s: %s", resp.StatusCode, e.Error.Code, e.Error.Message)
		switch {
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			return fmt.Errorf("%w: %w", msg, moderation.ErrCredentials)
		case resp.StatusCode == http.StatusNotFound:
			return fmt.Errorf("%w: %w", msg, errNotFound)
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			return &moderation.BackOffError{Err: msg, Wait: time.Duration(wait) * time.Second}
		}
		return fmt.Errorf("%w: %w", msg, moderation.ErrItem)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return &moderation.BackOffError{Err: fmt.Errorf("malformed response: %w", err)}
		}
	}
	return nil
}
