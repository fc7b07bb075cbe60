// Package chromium finds and starts a headless Chromium through chromedp,
// for printing the report to PDF and for the browser tests.
package chromium

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Binaries are the names Chromium goes by, in the order they are looked for.
var Binaries = []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"}

// ErrMissing is the error when none of Binaries is on PATH.
var ErrMissing = errors.New("headless Chromium not found: none of chromium, chromium-browser, google-chrome, headless-shell is on PATH (Debian: apt-get install chromium)")

// Path is the Chromium binary, or "" when none is installed.
func Path() string {
	for _, b := range Binaries {
		if p, err := exec.LookPath(b); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium (its profile in userDir, "" for a
// temporary one) and returns a tab's context; cancel closes the browser.
func New(ctx context.Context, userDir string) (context.Context, context.CancelFunc, error) {
	path := Path()
	if path == "" {
		return nil, nil, ErrMissing
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.DisableGPU)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	if userDir != "" {
		opts = append(opts, chromedp.UserDataDir(userDir))
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelT := chromedp.NewContext(actx)
	cancel := func() { cancelT(); cancelA() }
	if err := chromedp.Do(tctx); err != nil {
		cancel()
		return nil, nil, err
	}
	return tctx, cancel, nil
}
