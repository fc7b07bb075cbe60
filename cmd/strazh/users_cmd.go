package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/web"
	"github.com/strazh/strazh/moderation/store"
)

// `strazh users add|passwd|remove|list`: the review console's accounts.
// Passwords are read from the terminal without echo (or one line of
// stdin), hashed here, and never printed or logged. While the daemon runs
// the change goes through its admin socket.

func cmdUsers(ctx context.Context, args []string, s stdio) error {
	subs := []struct {
		name, summary string
		run           func(ctx context.Context, args []string, s stdio) error
	}{
		{"add", "add a user of the web review console (the password is asked for)", cmdUsersAdd},
		{"passwd", "set a user's new password (signs their sessions out)", cmdUsersPasswd},
		{"remove", "remove a user and sign their sessions out", cmdUsersRemove},
		{"list", "list the users and their roles", cmdUsersList},
	}
	if len(args) > 0 {
		for _, c := range subs {
			if c.name == args[0] {
				return c.run(ctx, args[1:], s)
			}
		}
		if args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
			fmt.Fprintf(s.err, "strazh users: unknown command %q\n\n", args[0])
		}
	}
	fmt.Fprint(s.err, tr("Usage: strazh users <command> -config FILE [flags] [NAME]\n\nCommands:\n"))
	for _, c := range subs {
		fmt.Fprintf(s.err, "  %-8s %s\n", c.name, tr(c.summary))
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return flag.ErrHelp
	}
	return errUsage
}

// userBackend changes users in the database or through the daemon.
type userBackend interface {
	put(ctx context.Context, u store.WebUser) error
	user(ctx context.Context, name string) (store.WebUser, error)
	remove(ctx context.Context, name string) error
	list(ctx context.Context) ([]store.WebUser, error)
	Close() error
}

func openUsers(cfg *config.Config) (userBackend, error) {
	if daemonRunning(cfg) {
		return &socketUsers{newSocketBackend(cfg.SocketPath())}, nil
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("state_dir: %w", err)
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{Retention: cfg.Retention})
	if err != nil {
		return nil, damagedHint(err, cfg)
	}
	return dbUsers{db}, nil
}

type dbUsers struct{ db *store.DB }

func (b dbUsers) put(_ context.Context, u store.WebUser) error { return b.db.PutWebUser(u) }
func (b dbUsers) user(_ context.Context, n string) (store.WebUser, error) {
	return b.db.WebUser(n)
}
func (b dbUsers) remove(_ context.Context, n string) error { return b.db.RemoveWebUser(n) }
func (b dbUsers) list(context.Context) ([]store.WebUser, error) {
	return b.db.WebUsers()
}
func (b dbUsers) Close() error { return b.db.Close() }

// usersFlags parses -config (and -role, -lang for add) and the one NAME.
func usersFlags(name, about string, args []string, s stdio, withRole bool) (cfg *config.Config, user, role, lang string, err error) {
	syn := "-config FILE NAME"
	if withRole {
		syn = "-config FILE -role ROLE [-lang en] NAME"
	}
	fs := newFlags("users "+name, syn, about, s)
	path := configFlag(fs)
	var r, l *string
	if withRole {
		r = fs.String("role", "", "the user's `role`: moderator (decides), viewer (reads statistics and the audit) or admin (also pauses, unbans)")
		l = fs.String("lang", "", "the pages' language for this user: ru (default) or en")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, "", "", "", err
		}
		return nil, "", "", "", errUsage
	}
	if fs.NArg() != 1 || !validUserName(fs.Arg(0)) {
		fmt.Fprintln(s.err, tr("strazh users: give one user NAME (Latin letters, digits, . _ -, up to 64)"))
		return nil, "", "", "", errUsage
	}
	if withRole {
		role, lang = *r, *l
		if !web.ValidRole(role) {
			fmt.Fprintf(s.err, "strazh users %s: -role %q: want moderator, viewer or admin\n", name, role)
			return nil, "", "", "", errUsage
		}
		if lang != "" && lang != "ru" && lang != "en" {
			fmt.Fprintf(s.err, "strazh users %s: -lang %q: want ru or en\n", name, lang)
			return nil, "", "", "", errUsage
		}
	}
	cfg, err = config.Load(*path)
	return cfg, fs.Arg(0), role, lang, err
}

func validUserName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// readPassword asks for a new password twice on a terminal (no echo), or
// reads one line of stdin when it is not a terminal.
func readPassword(s stdio) (string, error) {
	if f, ok := s.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(s.err, tr("New password: "))
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(s.err)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(s.err, tr("Repeat it: "))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(s.err)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ (пароли не совпадают)")
		}
		return string(a), web.CheckPasswordRules(string(a))
	}
	line, err := bufio.NewReader(io.LimitReader(s.in, web.MaxPasswordLen+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	return pw, web.CheckPasswordRules(pw)
}

func cmdUsersAdd(ctx context.Context, args []string, s stdio) error {
	cfg, name, role, lang, err := usersFlags("add", "Adds a user of the web review console. The password is asked for on the\nterminal (not echoed) or read as one line of stdin.", args, s, true)
	if err != nil {
		return err
	}
	b, err := openUsers(cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	if _, err := b.user(ctx, name); err == nil {
		return fmt.Errorf("user %s exists: use `strazh users passwd` to change the password", name)
	} else if !errors.Is(err, moderation.ErrNotFound) {
		return err
	}
	pw, err := readPassword(s)
	if err != nil {
		return err
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return err
	}
	now := time.Now()
	if err := b.put(ctx, store.WebUser{Name: name, Role: role, Lang: lang, Hash: hash, Created: now, Changed: now}); err != nil {
		return err
	}
	fmt.Fprintf(s.out, tr("user %s added, role %s\n"), name, role)
	return nil
}

func cmdUsersPasswd(ctx context.Context, args []string, s stdio) error {
	cfg, name, _, _, err := usersFlags("passwd", "Sets a user's new password, asked for on the terminal (not echoed) or read as\none line of stdin. The user's sessions end.", args, s, false)
	if err != nil {
		return err
	}
	b, err := openUsers(cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	u, err := b.user(ctx, name)
	if err != nil {
		return err
	}
	pw, err := readPassword(s)
	if err != nil {
		return err
	}
	if u.Hash, err = web.HashPassword(pw); err != nil {
		return err
	}
	u.Changed = time.Now()
	if err := b.put(ctx, u); err != nil {
		return err
	}
	fmt.Fprintf(s.out, tr("password of %s changed\n"), name)
	return nil
}

func cmdUsersRemove(ctx context.Context, args []string, s stdio) error {
	cfg, name, _, _, err := usersFlags("remove", "Removes a user of the web review console and ends their sessions.", args, s, false)
	if err != nil {
		return err
	}
	b, err := openUsers(cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.remove(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(s.out, tr("user %s removed\n"), name)
	return nil
}

func cmdUsersList(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("users list", "-config FILE", "Lists the users of the web review console: name, role, language, when added\nand when the password last changed.", s)
	path := configFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	b, err := openUsers(cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	list, err := b.list(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(s.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, tr("NAME\tROLE\tLANG\tADDED\tPASSWORD CHANGED"))
	for _, u := range list {
		lang := u.Lang
		if lang == "" {
			lang = "ru"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, lang, u.Created.Local().Format("2006-01-02 15:04"), u.Changed.Local().Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

// The admin socket's side: /v1/users (GET list, one user with ?name=),
// PUT (add or replace, the hash made by the CLI), DELETE ?name=.
type socketUsers struct{ s *socketBackend }

func (b *socketUsers) put(ctx context.Context, u store.WebUser) error {
	err := b.s.call(ctx, http.MethodPut, "/v1/users", u, nil)
	return err
}

func (b *socketUsers) user(ctx context.Context, name string) (store.WebUser, error) {
	var u store.WebUser
	err := b.s.call(ctx, http.MethodGet, "/v1/users?name="+url.QueryEscape(name), nil, &u)
	return u, err
}

func (b *socketUsers) remove(ctx context.Context, name string) error {
	err := b.s.call(ctx, http.MethodDelete, "/v1/users?name="+url.QueryEscape(name), nil, nil)
	return err
}

func (b *socketUsers) list(ctx context.Context) ([]store.WebUser, error) {
	var out []store.WebUser
	err := b.s.call(ctx, http.MethodGet, "/v1/users", nil, &out)
	return out, err
}

func (b *socketUsers) Close() error { return nil }

// registerUsersAdmin serves /v1/users on the admin socket. Hashes cross
// the owner-only socket; they are never logged.
func registerUsersAdmin(mux *http.ServeMux, d *daemon) {
	mux.HandleFunc("GET /v1/users", func(w http.ResponseWriter, r *http.Request) {
		if name := r.URL.Query().Get("name"); name != "" {
			u, err := d.db.WebUser(name)
			reply(w, u, err)
			return
		}
		list, err := d.db.WebUsers()
		reply(w, list, err)
	})
	mux.HandleFunc("PUT /v1/users", func(w http.ResponseWriter, r *http.Request) {
		var u store.WebUser
		if !decodeBody(w, r, &u) {
			return
		}
		if !validUserName(u.Name) || !web.ValidRole(u.Role) || u.Hash == "" {
			badRequest(w, "body: name, role and hash are required")
			return
		}
		reply(w, map[string]string{"name": u.Name}, d.db.PutWebUser(u))
	})
	mux.HandleFunc("DELETE /v1/users", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		reply(w, map[string]string{"name": name}, d.db.RemoveWebUser(name))
	})
}
