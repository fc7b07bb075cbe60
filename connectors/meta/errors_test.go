package meta

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/meta/metatest"
	"github.com/strazh/strazh/moderation"
)

func TestClassify_GraphCodes(t *testing.T) {
	cases := []struct {
		code, sub int
		want      moderation.ErrorClass
		limit     bool
	}{
		{1, 0, moderation.ClassRetry, false},
		{2, 0, moderation.ClassRetry, false},
		{4, 0, moderation.ClassRetry, true},
		{17, 0, moderation.ClassRetry, true},
		{32, 0, moderation.ClassRetry, true},
		{613, 0, moderation.ClassRetry, true},
		{80001, 0, moderation.ClassRetry, true},
		{80002, 0, moderation.ClassRetry, true},
		{190, 463, moderation.ClassCredentials, false},
		{190, 460, moderation.ClassCredentials, false},
		{10, 0, moderation.ClassCredentials, false},
		{200, 0, moderation.ClassCredentials, false},
		{230, 0, moderation.ClassCredentials, false},
		{100, 33, moderation.ClassItem, false},
		{99999, 0, moderation.ClassRetry, false},
	}
	for _, tc := range cases {
		err := classify("GET x", &graphError{Code: tc.code, Subcode: tc.sub, Message: "m"}, time.Second)
		if got := moderation.Classify(err); got != tc.want {
			t.Errorf("code %d: class %s, want %s", tc.code, got, tc.want)
		}
		if cc, _ := classOf(tc.code); cc.limit != tc.limit {
			t.Errorf("code %d: limit %v, want %v", tc.code, cc.limit, tc.limit)
		}
	}
	if err := classify("GET x", errors.New("dial tcp: refused"), 0); moderation.Classify(err) != moderation.ClassRetry {
		t.Error("a transport error is not retried")
	}
}

func TestReadUsage_Headers(t *testing.T) {
	h := http.Header{}
	h.Set(headerAppUsage, `{"call_count":28,"total_time":40,"total_cputime":25}`)
	h.Set(headerBUCUsage, `{"1010":[{"type":"pages","call_count":97,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":3}]}`)
	u := readUsage(h)
	if u.kinds[UsageApp] != 40 || u.kinds["pages"] != 97 || u.regain != 3*time.Minute {
		t.Fatalf("%+v", u)
	}
	h.Set(headerAppUsage, `not json`)
	h.Del(headerBUCUsage)
	if u := readUsage(h); len(u.kinds) != 0 {
		t.Fatalf("junk read as usage: %+v", u)
	}
}

func TestDecodeAnswer(t *testing.T) {
	err := decodeAnswer(400, []byte(`{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"error_subcode":467,"fbtrace_id":"A"}}`), nil)
	if graphCode(err) != 190 || moderation.Classify(classify("op", err, 0)) != moderation.ClassCredentials {
		t.Fatalf("envelope: %v", err)
	}
	if err := decodeAnswer(200, []byte(`{"success":true}`), nil); err != nil {
		t.Fatal(err)
	}
	if err := decodeAnswer(200, []byte(`{"success":false}`), nil); err == nil {
		t.Fatal("success:false taken as done")
	}
	if err := decodeAnswer(502, []byte(`<html>`), nil); err == nil || graphCode(err) != 0 {
		t.Fatalf("502: %v", err)
	}
}

// A broken token is reported with Meta's explanation, as the credentials
// class, and the token appears in no error and in no URL sent.
func TestConnector_Connect_BrokenTokenNeverShown(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{})
	f.SetToken("another")
	err := c.Connect(context.Background())
	if moderation.Classify(err) != moderation.ClassCredentials || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("Connect: %v", err)
	}
	if strings.Contains(err.Error(), metatest.Token) {
		t.Fatalf("the token is in the error: %v", err)
	}
	for _, call := range f.Calls("") {
		if strings.Contains(call.Query, metatest.Token) || strings.Contains(call.Path, metatest.Token) {
			t.Fatalf("the token in a URL: %+v", call)
		}
	}
}
