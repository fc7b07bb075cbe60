package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/cadence"
	"github.com/strazh/strazh/registry"
)

// pageTimeout bounds one network's answer about its page.
const pageTimeout = 20 * time.Second

func cmdRegistry(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("registry", "-config FILE -format html|json|csv [-o FILE]",
		"Renders the public registry of the official accounts (decree §1.3) for the\nmunicipality's website: the accounts of the configuration with what their\nnetworks report (name, link, the state \"verified\" mark, the last post).\nWhen a network cannot be reached, its accounts are rendered from the\nconfiguration alone and the page says what is left out.", s)
	path := configFlag(fs)
	format := fs.String("format", "html", "output `format`: html, json or csv")
	out := fs.String("o", "", "write to this `file` instead of stdout")
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := registry.ParseFormat(*format)
	if err != nil {
		fmt.Fprintln(s.err, "strazh registry:", err)
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	sources, closeAll := registrySources(ctx, cfg, s.err)
	defer closeAll()
	reg := registry.Build(ctx, sources, time.Now(), pageTimeout)
	for _, p := range reg.Problems {
		fmt.Fprintf(s.err, "strazh registry: %v\n", p)
	}
	if !reg.Complete {
		fmt.Fprintln(s.err, "strazh registry: some networks gave nothing: their accounts are rendered from the configuration alone, without the verified mark and the last post (the page says so)")
	}
	var b bytes.Buffer
	if err := reg.Render(&b, f, time.Local); err != nil {
		return err
	}
	return writeOut(s.out, *out, b.Bytes())
}

// registrySources makes each account's connector to ask its network; an
// account whose connector cannot be made (a token not set) is listed from
// the configuration alone.
func registrySources(ctx context.Context, cfg *config.Config, errw io.Writer) ([]registry.Source, func()) {
	var sources []registry.Source
	var conns []moderation.Connector
	var posts cadence.Store // the daemon's recorded posts, read when a page needs them
	postsTried, closePosts := false, func() {}
	for _, a := range cfg.Accounts {
		src := registry.Source{Account: a.Name, Network: a.Network}
		if r := a.Registry; r != nil {
			src.Name, src.Purpose, src.URL = r.Name, r.Purpose, r.URL
		}
		f, _ := connectors.Lookup(a.Network)
		conn, err := f.New(a.Conn, connectors.Deps{Account: a.Name})
		switch {
		case err != nil:
			fmt.Fprintf(errw, "strazh registry: %s: not asked: %v\n", a.Name, err)
			src.Unavailable = "сеть не опрашивалась"
		default:
			conns = append(conns, conn)
			if pr, ok := conn.(moderation.PageReader); ok {
				src.Reader = pr
				if a, ok := conn.(cadence.Arriving); ok {
					// No history on the network: the last post is the
					// last one the daemon recorded.
					if !postsTried {
						postsTried = true
						posts, closePosts = registryPosts(cfg, errw)
					}
					if posts != nil {
						a.RecordPosts(posts)
					}
				}
			} else {
				src.Unavailable = "сеть не сообщает данные страницы"
			}
		}
		sources = append(sources, src)
	}
	return sources, func() {
		for _, c := range conns {
			_ = c.Close(context.WithoutCancel(ctx))
		}
		closePosts()
	}
}

// outFileProblem refuses an -o that names a directory: it was said as
// "rename /.tmp.123 /tmp: file exists", after the whole report was built.
func outFileProblem(file string) error {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return fmt.Errorf("-o %s: это каталог, укажите файл (-o %s)\n-o %[1]s: a directory: give a file name", file, filepath.Join(file, "otchet.html"))
	}
	return nil
}

// writeOut writes b to the file (through a temporary file renamed over it,
// so a reader never sees half a page), or to w when file is "".
func writeOut(w io.Writer, file string, b []byte) error {
	if file == "" {
		_, err := w.Write(b)
		return err
	}
	if err := outFileProblem(file); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return fmt.Errorf("-o %s: %w", file, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("-o %s: %w", file, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("-o %s: %w", file, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("-o %s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("-o %s: %w", file, err)
	}
	return nil
}
