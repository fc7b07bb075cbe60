package config

import (
	"fmt"
	"reflect"
	"strings"
)

// SecretRef is one secret the configuration names: where it is read from,
// never its value.
type SecretRef struct {
	Key  string // YAML path without the suffix: telegram.token, accounts[0].user_token
	Env  string // the *_env value
	File string // the *_file value
	Line int
}

// Secrets lists every secret reference in the configuration (fields tagged
// *_env / *_file, in the telegram section and in every connector's keys),
// set or not.
func (c *Config) Secrets() []SecretRef {
	var out []SecretRef
	if c.Telegram != nil {
		out = append(out, c.secretsIn("telegram", reflect.ValueOf(c.Telegram).Elem())...)
	}
	if c.ReviewMAX != nil {
		out = append(out, c.secretsIn("review.max", reflect.ValueOf(c.ReviewMAX).Elem())...)
		if c.ReviewMAX.Webhook != nil {
			out = append(out, c.secretsIn("review.max.webhook", reflect.ValueOf(c.ReviewMAX.Webhook).Elem())...)
		}
	}
	for i, a := range c.Accounts {
		if a.Conn == nil {
			continue
		}
		v := reflect.ValueOf(a.Conn)
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct {
			out = append(out, c.secretsIn(fmt.Sprintf("accounts[%d]", i), v)...)
		}
	}
	return out
}

func (c *Config) secretsIn(path string, v reflect.Value) []SecretRef {
	var out []SecretRef
	idx := map[string]int{}
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		base, suffix := "", ""
		if b, ok := strings.CutSuffix(name, "_env"); ok {
			base, suffix = b, "env"
		} else if b, ok := strings.CutSuffix(name, "_file"); ok {
			base, suffix = b, "file"
		}
		if base == "" || v.Field(i).Kind() != reflect.String {
			continue
		}
		j, ok := idx[base]
		if !ok {
			j = len(out)
			idx[base] = j
			out = append(out, SecretRef{Key: path + "." + base})
		}
		val := v.Field(i).String()
		if suffix == "env" {
			out[j].Env = val
		} else {
			out[j].File = val
		}
		if val != "" {
			out[j].Line = c.Line(path + "." + name)
		}
	}
	for i := range out {
		if out[i].Line == 0 {
			out[i].Line = c.Line(path)
		}
	}
	return out
}
