package review

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors/max/maxapi"
)

// MAXWebhook is review.max.webhook: MAX delivers the chat's updates to an
// HTTPS address instead of being long-polled (docs §6.2: HTTPS on port 443
// with a CA or Минцифры certificate, so strazh listens behind a TLS proxy).
type MAXWebhook struct {
	// URL is the public HTTPS address MAX posts to (https://host/max-review).
	URL string `yaml:"url"`
	// Listen is where strazh serves it, behind the proxy (127.0.0.1:8081).
	Listen string `yaml:"listen"`
	// SecretEnv/SecretFile: the subscription's secret (5–256 of
	// [A-Za-z0-9_-]); every delivery must carry it. Exactly one is set.
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
}

// check reports the webhook's problems through bad (keys under webhook.).
func (h *MAXWebhook) check(bad func(key, format string, args ...any)) {
	if u, err := url.Parse(h.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("webhook.url", "must be the public https URL MAX delivers to, got %q", h.URL)
	} else if !loopback(u.Hostname()) && (u.Scheme != "https" || (u.Port() != "" && u.Port() != "443")) {
		// MAX delivers over HTTPS on port 443 only (docs §6.2): another
		// address was refused by MAX at run time, retried for ever, the
		// channel down, after `strazh check` had passed it. A loopback
		// address is a test's fake sender.
		bad("webhook.url", "MAX delivers only over https on port 443 (a proxy there passes to webhook.listen), got %q", h.URL)
	}
	if _, _, err := net.SplitHostPort(h.Listen); err != nil {
		bad("webhook.listen", "must be host:port (e.g. 127.0.0.1:8081), got %q", h.Listen)
	}
	switch {
	case h.SecretEnv != "" && h.SecretFile != "":
		bad("webhook.secret_env", "set only one of secret_env and secret_file")
	case h.SecretEnv == "" && h.SecretFile == "":
		bad("webhook.secret_env", "secret_env or secret_file is required")
	}
}

// loopback reports whether host is this machine (only a test's fake sender
// delivers there).
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{5,256}$`)

// useWebhook makes the reviewer receive through the webhook h.
func (t *Reviewer) useWebhook(tr *maxTransport, h *MAXWebhook) error {
	sec, err := secret.Resolve("secret", h.SecretEnv, h.SecretFile)
	if err != nil {
		return fmt.Errorf("review.max.webhook.%w", err)
	}
	if !webhookSecret.MatchString(sec) {
		return errors.New("review.max.webhook.secret: must be 5 to 256 of A-Z, a-z, 0-9, _ and - (MAX's rule)")
	}
	t.receive = func(ctx context.Context) error { return t.serveWebhook(ctx, tr, h, sec) }
	return nil
}

// serveWebhook serves MAX's deliveries until ctx ends and keeps the
// subscription. A delivery is answered 200 only once its handling is
// saved; otherwise MAX delivers it again (at-least-once; handling is
// idempotent). The subscription is kept at shutdown: MAX retries the
// deliveries of a restart for hours (§6.2).
func (t *Reviewer) serveWebhook(ctx context.Context, tr *maxTransport, h *MAXWebhook, sec string) error {
	ln, err := net.Listen("tcp", h.Listen)
	if err != nil {
		return fmt.Errorf("review.max.webhook.listen: %w", err)
	}
	srv := webhookServer(maxapi.WebhookHandler(sec, func(ctx context.Context, u maxapi.Update) error {
		up, ok := maxUpdate(&u)
		if !ok {
			return nil
		}
		return t.handleUpdate(ctx, up)
	}))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.subscribe(ctx, tr, h.URL, sec)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("review.max.webhook: %w", err)
	}
	return nil
}

// webhookServer bounds every phase of a connection: whoever reaches the
// listener, secret or not, cannot hold connections open (idle, or sending
// a body slowly) until the daemon runs out of file descriptors. The write
// timeout outlasts one action (ActionTimeout, 2m by default) handled
// before the answer.
func webhookServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 3 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
}

// subscribe points MAX at the webhook, retrying with back-off until it
// works or ctx ends; the channel is down meanwhile.
func (t *Reviewer) subscribe(ctx context.Context, tr *maxTransport, hookURL, sec string) {
	for attempt := 1; ctx.Err() == nil; attempt++ {
		err := tr.c.Subscribe(ctx, hookURL, sec, []string{maxapi.UpdateMessageCreated, maxapi.UpdateMessageCallback})
		if err == nil {
			t.pollOK()
			t.log.Info("MAX webhook subscribed", "url", hookURL)
			return
		}
		if ctx.Err() != nil {
			return
		}
		t.pollFailed(err)
		wait := t.tm.Retry.Wait(attempt, 0)
		if f := tr.failure(err); f.retryAfter > 0 {
			wait = max(wait, f.retryAfter)
		}
		t.log.Warn("MAX webhook subscription failed, will retry", "err", err, "retry_in", wait)
		if !sleep(ctx, wait) {
			return
		}
	}
}
