package maxapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// TestClient_Do_ErrorPageEchoesToken: a proxy's error page that echoes
// the request's headers (debug pages, some WAFs) does not put the token
// in the error, which the pipeline logs. Before, the page was quoted as
// it came, the Authorization header with it.
func TestClient_Do_ErrorPageEchoesToken(t *testing.T) {
	const token = "max-secret-token-123"
	for _, status := range []int{http.StatusBadGateway, http.StatusBadRequest, http.StatusNotFound} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(status)
				fmt.Fprintf(w, "<html><body>upstream failed; request headers: Authorization: %s</body></html>", r.Header.Get("Authorization"))
			}))
			t.Cleanup(hs.Close)
			c, err := maxapi.New(hs.URL, token, maxapi.Options{RPS: 1000})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Me(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), token) {
				t.Fatalf("the token is in the error: %v", err)
			}
		})
	}
}

// TestClient_Do_ErrorPageTokenAtCut: a token the error page echoes where
// the quoted page is cut (200 characters) must not leave its beginning in
// the error: redacting after the cut finds no whole token to replace.
func TestClient_Do_ErrorPageTokenAtCut(t *testing.T) {
	const token = "max-secret-token-123"
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "%s%s", strings.Repeat("x", 190), r.Header.Get("Authorization"))
	}))
	t.Cleanup(hs.Close)
	c, err := maxapi.New(hs.URL, token, maxapi.Options{RPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), token[:10]) {
		t.Fatalf("the token's beginning is in the error: %v", err)
	}
}
