package main

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// expiring is a connector whose token expires at exp.
type expiring struct {
	moderation.Connector
	exp time.Time
}

func (e expiring) TokenExpires() time.Time { return e.exp }

func TestTokenExpiry_Collect(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c := newTokenExpiry([]pipeline.Account{
		{Name: "admin-vk", Network: "vk", Conn: expiring{exp: now.Add(50 * time.Minute)}},
		{Name: "school-vk", Network: "vk", Conn: expiring{}}, // offline token: no expiry
		{Name: "other", Network: "sim", Conn: nil},           // no TokenExpirer
	})
	c.now = func() time.Time { return now }
	want := `
# HELP strazh_token_expiry_seconds Seconds until the account's renewable user token (VK ID) expires; negative once expired. Absent for tokens that do not expire by time.
# TYPE strazh_token_expiry_seconds gauge
strazh_token_expiry_seconds{account="admin-vk",network="vk"} 3000
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}
