package main

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
	"time"
)

// FuzzAdminRequest: the admin socket's decoders (the query of
// /v1/decisions and the JSON bodies) take any input without panicking,
// and a query they accept survives the client's encoding unchanged.
func FuzzAdminRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, query string, body []byte) {
		if v, err := url.ParseQuery(query); err == nil {
			if q, err := queryFromURL(v); err == nil {
				q2, err := queryFromURL(queryToURL(q))
				if err != nil {
					t.Fatalf("query %q: round trip fails: %v", query, err)
				}
				if !q.Since.Equal(q2.Since) || !q.Until.Equal(q2.Until) {
					t.Fatalf("query %q: times changed: %+v → %+v", query, q, q2)
				}
				// Compared with Equal above (the location may differ).
				q.Since, q.Until, q2.Since, q2.Until = time.Time{}, time.Time{}, time.Time{}, time.Time{}
				if !reflect.DeepEqual(q, q2) {
					t.Fatalf("query %q: %+v → %+v", query, q, q2)
				}
			}
		}
		var d decideRequest
		if json.Unmarshal(body, &d) == nil {
			roundTrip(t, &d, new(decideRequest))
		}
		var u unbanRequest
		if json.Unmarshal(body, &u) == nil {
			roundTrip(t, &u, new(unbanRequest))
		}
	})
}

// roundTrip checks that v, encoded as the client does, decodes to itself.
func roundTrip[T any](t *testing.T, v, into *T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%+v does not encode: %v", *v, err)
	}
	if err := json.Unmarshal(b, into); err != nil || !reflect.DeepEqual(v, into) {
		t.Fatalf("%+v → %s → %+v (%v)", *v, b, *into, err)
	}
}
