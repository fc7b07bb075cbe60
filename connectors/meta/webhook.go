package meta

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The webhook listener (§3.3): Meta verifies the callback with a GET
// challenge and POSTs deliveries signed with the app secret. One listener
// serves every account configured with its address; a delivery's entries
// go to the account whose page (Instagram account) id they name. Each
// change is stored in that account's inbox before Meta gets its 200, so a
// crash after the answer loses nothing; a retried delivery is stored once.

// SignatureHeader carries sha256=<hex HMAC-SHA256(app secret, raw body)>.
const SignatureHeader = "X-Hub-Signature-256"

type hubSecrets struct {
	appSecret   string
	verifyToken string
}

// hub is one webhook listener.
type hub struct {
	listen  string
	path    string
	maxBody int64
	secret  []byte
	verify  string
	log     *slog.Logger

	mu     sync.Mutex
	routes map[routeKey]*Connector
	srv    *http.Server
	ln     net.Listener
	done   chan struct{}

	accepted, duplicate, refused, unrouted, failed, tooLarge atomic.Uint64
}

type routeKey struct{ object, id string }

func newHub(w WebhookConfig, s hubSecrets, log *slog.Logger) *hub {
	return &hub{listen: w.Listen, path: w.Path, maxBody: w.MaxBody, secret: []byte(s.appSecret),
		verify: s.verifyToken, log: log.With("webhook", w.Listen), routes: map[routeKey]*Connector{}}
}

// object is the delivery's "object" of a network.
func object(network string) string {
	if network == Instagram {
		return "instagram"
	}
	return "page"
}

// attach routes the connector's deliveries to it. Accounts sharing a
// listener share the Meta app: secrets and path must agree.
func (h *hub) attach(c *Connector, s hubSecrets) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if subtle.ConstantTimeCompare(h.secret, []byte(s.appSecret)) != 1 || h.verify != s.verifyToken {
		return errors.New("accounts on one listener must use the same app secret and verify token (one Meta app)")
	}
	if h.path != c.set.webhook.Path {
		return fmt.Errorf("accounts on listener %s must use one path (%s, not %s)", h.listen, h.path, c.set.webhook.Path)
	}
	k := routeKey{object(c.network), c.set.id}
	if other, dup := h.routes[k]; dup && other != c {
		return fmt.Errorf("%s %s is configured twice (accounts %s and %s)", k.object, k.id, other.account, c.account)
	}
	h.routes[k] = c
	return nil
}

// start listens, once; later calls do nothing.
func (h *hub) start() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", h.listen)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(h.path, h)
	h.ln, h.done = ln, make(chan struct{})
	h.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
	srv, done := h.srv, h.done
	go func() { // owned: ends when detach shuts the server down
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.log.Error("webhook listener stopped", "err", err)
		}
	}()
	h.log.Info("webhook listener started", "addr", ln.Addr().String(), "path", h.path)
	return nil
}

// detach removes the connector; the last one stops the listener.
func (h *hub) detach(ctx context.Context, c *Connector) error {
	h.mu.Lock()
	delete(h.routes, routeKey{object(c.network), c.set.id})
	if len(h.routes) > 0 || h.srv == nil {
		h.mu.Unlock()
		return nil
	}
	srv, done := h.srv, h.done
	h.srv, h.ln = nil, nil
	h.mu.Unlock()
	err := srv.Shutdown(ctx)
	<-done
	return err
}

func (h *hub) addr() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ln == nil {
		return ""
	}
	return h.ln.Addr().String()
}

func (h *hub) stats() map[string]uint64 {
	return map[string]uint64{"accepted": h.accepted.Load(), "duplicate": h.duplicate.Load(),
		"refused": h.refused.Load() + h.tooLarge.Load(), "unrouted": h.unrouted.Load(), "failed": h.failed.Load()}
}

// ServeHTTP answers the challenge (GET) and takes deliveries (POST).
func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.challenge(w, r)
	case http.MethodPost:
		h.deliver(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// challenge: GET ?hub.mode=subscribe&hub.verify_token=<ours>&hub.challenge=<n> → <n>.
func (h *hub) challenge(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(h.verify)) != 1 {
		h.refused.Add(1)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	ch := q.Get("hub.challenge")
	if ch == "" || len(ch) > 256 {
		http.Error(w, "bad challenge", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff") // the challenge is echoed
	_, _ = io.WriteString(w, ch)
}

// validSignature checks X-Hub-Signature-256 against body in constant time.
func validSignature(secret, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return false
	}
	var got [sha256.Size]byte
	if _, err := hex.Decode(got[:], []byte(hexSig)); err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(m.Sum(nil), got[:])
}

// Sign is the X-Hub-Signature-256 value of body (for the fake and tests).
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// envelope is a delivery: {"object":"page","entry":[{"id":"1010","time":1735689600,"changes":[{"field":"feed","value":{...}}]}]}.
type envelope struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string            `json:"id"`
		Time    int64             `json:"time"`
		Changes []json.RawMessage `json:"changes"`
	} `json:"entry"`
}

// delivery is one change as stored in an account's inbox.
type delivery struct {
	Object string          `json:"o"`
	Entry  string          `json:"e"`
	Time   int64           `json:"t"`
	Change json.RawMessage `json:"c"` // {"field":...,"value":{...}}
}

// deliver checks the signature before anything else reads the body,
// stores every change with its account and answers 200 only then: a
// failed store gets 500 and Meta delivers again.
func (h *hub) deliver(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			h.tooLarge.Add(1)
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable", http.StatusBadRequest)
		return
	}
	if !validSignature(h.secret, body, r.Header.Get(SignatureHeader)) {
		h.refused.Add(1)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		h.failed.Add(1)
		http.Error(w, "bad delivery", http.StatusBadRequest)
		return
	}
	woken := make(map[*Connector]bool, 1)
	for _, e := range env.Entry {
		h.mu.Lock()
		c := h.routes[routeKey{env.Object, e.ID}]
		h.mu.Unlock()
		if c == nil {
			h.unrouted.Add(1)
			continue
		}
		for _, ch := range e.Changes {
			rec, _ := json.Marshal(delivery{Object: env.Object, Entry: e.ID, Time: e.Time, Change: ch}) // cannot fail: RawMessage is valid JSON
			_, added, err := c.inbox.PutInbox(c.account, deliveryKey(rec), rec)
			if err != nil {
				h.failed.Add(1)
				h.log.Error("cannot store a webhook delivery; Meta will deliver it again", "account", c.account, "err", err)
				wake(woken) // the changes stored before are due now, not at the next poll
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			if !added {
				h.duplicate.Add(1)
				continue
			}
			h.accepted.Add(1)
			woken[c] = true
		}
	}
	wake(woken)
	w.WriteHeader(http.StatusOK)
}

func wake(cs map[*Connector]bool) {
	for c := range cs {
		c.wakeUp()
	}
}

// deliveryKey names a change: Meta's retries carry the same bytes.
func deliveryKey(rec []byte) string {
	s := sha256.Sum256(rec)
	return hex.EncodeToString(s[:16])
}

func (c *Connector) wakeUp() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}
