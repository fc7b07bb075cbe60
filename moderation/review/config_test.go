package review

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func validConfig() Config {
	c := DefaultConfig()
	c.ChatID = -1001234567890
	c.Moderators = []int64{123456789}
	return c
}

func TestConfig_Validate(t *testing.T) {
	if err := validConfig().Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	if err := DefaultConfig().Validate(); err == nil || !strings.Contains(err.Error(), "telegram.chat_id") ||
		!strings.Contains(err.Error(), "telegram.moderators") {
		t.Fatalf("defaults without chat and moderators: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		key  string
	}{
		{"api_url", func(c *Config) { c.APIURL = "ftp://x" }, "telegram.api_url"},
		{"both tokens", func(c *Config) { c.TokenFile = "tok" }, "telegram.token_env"},
		{"no token", func(c *Config) { c.TokenEnv = "" }, "telegram.token_env"},
		{"moderator id", func(c *Config) { c.Moderators = []int64{0} }, "telegram.moderators[0]"},
		{"duplicate moderator", func(c *Config) { c.Moderators = []int64{1, 1} }, "telegram.moderators[1]"},
		{"language", func(c *Config) { c.Language = "de" }, "telegram.language"},
		{"remind after timeout", func(c *Config) { c.RemindAfter = 48 * time.Hour }, "telegram.remind_after"},
		{"negative timeout", func(c *Config) { c.ReviewTimeout = -time.Second }, "telegram.review_timeout"},
		{"on_timeout", func(c *Config) { c.OnTimeout = "ban" }, "telegram.on_timeout"},
		{"notify_auto", func(c *Config) { c.NotifyAuto = "sometimes" }, "telegram.notify_auto"},
		{"digest_every", func(c *Config) { c.NotifyAuto, c.DigestEvery = NotifyDigest, 0 }, "telegram.digest_every"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.key+":") {
				t.Fatalf("Validate() = %v, want an error naming %s", err, tc.key)
			}
		})
	}
}

func TestConfig_YAML(t *testing.T) {
	src := `
api_url: https://api.telegram.org
token_file: telegram-token
chat_id: -1001234567890
moderators: [123456789, 987654321]
language: en
remind_after: 90m
review_timeout: 12h
on_timeout: delete
notify_auto: digest
digest_every: 15m
`
	c := DefaultConfig()
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	c.TokenEnv = ""
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.RemindAfter != 90*time.Minute || c.ReviewTimeout != 12*time.Hour || c.DigestEvery != 15*time.Minute ||
		c.Language != LangEN || c.OnTimeout != TimeoutDelete || len(c.Moderators) != 2 || c.ChatID != -1001234567890 {
		t.Fatalf("decoded %+v", c)
	}
	bad := yaml.NewDecoder(strings.NewReader("chat_idd: 1\n"))
	bad.KnownFields(true)
	if err := bad.Decode(&c); err == nil {
		t.Fatal("unknown key accepted")
	}
}

func TestNew_Token(t *testing.T) {
	c := validConfig()
	c.TokenEnv = "STRAZH_TEST_NO_SUCH_TOKEN_VAR"
	_, err := New(c, Deps{Moderation: nil})
	if err == nil {
		t.Fatal("New without deps succeeded")
	}
	t.Setenv("STRAZH_TEST_TOKEN", "1:x")
	c.TokenEnv = "STRAZH_TEST_TOKEN"
	if _, err := New(c, Deps{}); err == nil || !strings.Contains(err.Error(), "required") {
		t.Fatalf("New without Moderation: %v", err)
	}
}
