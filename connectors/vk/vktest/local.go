package vktest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
)

// localTransport serves requests by calling the fake's handler in the
// caller's goroutine (NewLocal). The handler sees the request's context, so
// a held long poll ends when the client gives up.
type localTransport struct{ h http.Handler }

var errDropped = errors.New("vktest: connection dropped")

func (t localTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	sr := req.Clone(req.Context())
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	sr.RequestURI = req.URL.RequestURI()
	w := &localWriter{ResponseRecorder: httptest.NewRecorder()}
	t.h.ServeHTTP(w, sr)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if w.dropped {
		return nil, errDropped
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := w.Result()
	resp.Request = req
	return resp, nil
}

// localWriter records the answer; Hijack (a dropped connection) fails the
// round trip instead.
type localWriter struct {
	*httptest.ResponseRecorder
	dropped bool
}

func (w *localWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.dropped = true
	return nil, nil, io.ErrClosedPipe
}
