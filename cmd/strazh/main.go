// Command strazh moderates the comments on a municipality's official pages.
// See README.md; `strazh help` lists the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Set by the build: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, io stdio) error
}

// stdio are the streams a command talks to (tests give buffers).
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// errUsage means the command printed its own usage message already.
var errUsage = errors.New("usage")

// exitError carries a specific exit status (1 is the default for errors).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func commands() []command {
	return []command{
		{"run", "run the daemon", cmdRun},
		{"demo", "run the daemon against a simulated network, no tokens needed", cmdDemo},
		{"sim", "serve a simulated network and Telegram chat for `strazh run`", cmdSim},
		{"check", "validate the configuration and the rules (with their examples)", cmdCheck},
		{"config", "print the effective configuration (dump) or its JSON Schema (schema)", cmdConfig},
		{"classify", "judge comments from stdin, one per line, print JSON verdicts", cmdClassify},
		{"eval", "measure the rules on labelled JSONL files", cmdEval},
		{"train", "train the learned model on labelled JSONL files", cmdTrain},
		{"replay", "play a page from labelled JSONL files, with the model learning", cmdReplay},
		{"model", "the page's learned model: status, list, rollback, refit, export", cmdModel},
		{"audit", "query and export decisions (table, CSV or JSONL)", cmdAudit},
		{"blacklist", "list banned authors, or unban one", cmdBlacklist},
		{"review", "list pending reviews, or decide one from the shell", cmdReview},
		{"db", "check, back up, restore or compact the database", cmdDB},
		{"doctor", "check every account and token: state, rights, last success, security events", cmdDoctor},
		{"report", "the report for the head of the district (HTML, PDF or Markdown)", cmdReport},
		{"registry", "render the public registry of the official accounts (HTML, JSON or CSV)", cmdRegistry},
		{"users", "add, change or remove users of the web review console", cmdUsers},
		{"appeals", "list citizens' appeals, or close one answered elsewhere or not an appeal", cmdAppeals},
		{"version", "print the version", cmdVersion},
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, tr("strazh moderates comments on official social-media pages.\n\nUsage: strazh <command> [flags]\n\nCommands:\n"))
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, tr(c.summary))
	}
	fmt.Fprint(w, tr("\nEvery command that needs the configuration takes -config FILE; `strazh <command> -h` documents each.\n"))
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], stdio{os.Stdin, os.Stdout, os.Stderr})
	stop()
	os.Exit(code)
}

func runMain(ctx context.Context, args []string, s stdio) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(s.out)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range append(commands(), hiddenCommands()...) {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], s)
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		case errors.As(err, &ee):
			return ee.code
		}
		// "strazh eval: eval: …": a package named as its command says it once
		fmt.Fprintf(s.err, "strazh %s: %s\n", c.name, strings.TrimPrefix(err.Error(), c.name+": "))
		return 1
	}
	fmt.Fprintf(s.err, "strazh: unknown command %q\n\n", args[0])
	usage(s.err)
	return 2
}

// newFlags makes a command's flag set that prints a usage line and its flags.
func newFlags(name, synopsis, about string, s stdio) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprintf(s.err, tr("Usage: strazh %s %s\n\n%s\n\nFlags:\n"), name, synopsis, tr(about))
		localizeFlags(fs)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, mapping bad usage to errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return positional(fs)
}

func cmdVersion(_ context.Context, args []string, s stdio) error {
	fs := newFlags("version", "", "Prints the version of this build, its Go version and build date.", s)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprint(s.out, versionText())
	return nil
}
