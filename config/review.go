package config

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/web"
)

// reviewChannels reads the review section: `review: {telegram: ...}` is
// the top-level `telegram:` under its new name (issue 14: several review
// channels at once). It returns the key and value pairs to decode as if
// given at the top level (the lines of their keys stay where they were)
// and the value of review.max, decoded under its own path. Both spellings
// of telegram at once are an error naming both lines.
func (d *decoder) reviewChannels(root, n *yaml.Node) (out []*yaml.Node, maxNode, webNode *yaml.Node) {
	if n.Tag == "!!null" {
		return nil, nil, nil
	}
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, "review", "must be a mapping of review channels (telegram, max, web), not %s", kindName(n))
		return nil, nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch k.Value {
		case "telegram":
			if top := findKey(root, "telegram"); top != nil {
				d.add(k.Line, "review.telegram", "given both here and as the top-level telegram on line %d: keep one", top.Line)
				continue
			}
			out = append(out, k, n.Content[i+1])
		case "max":
			if maxNode != nil {
				d.add(k.Line, "review.max", "given twice")
				continue
			}
			d.note("review.max", k.Line)
			maxNode = n.Content[i+1]
		case "web":
			if webNode != nil {
				d.add(k.Line, "review.web", "given twice")
				continue
			}
			d.note("review.web", k.Line)
			webNode = n.Content[i+1]
		default:
			d.add(k.Line, "review."+k.Value, "unknown review channel (known: telegram, max, web)")
		}
	}
	return out, maxNode, webNode
}

// decodeReviewWeb fills c.ReviewWeb from review.web (nil node or null: no
// console).
func (d *decoder) decodeReviewWeb(c *Config, n *yaml.Node) {
	if n == nil || n.Tag == "!!null" {
		return
	}
	def := web.DefaultConfig()
	c.ReviewWeb = &def
	d.decode(n, "review.web", c.ReviewWeb)
}

// decodeReviewMAX fills c.ReviewMAX from review.max (nil node or null:
// no MAX review chat).
func (d *decoder) decodeReviewMAX(c *Config, n *yaml.Node) {
	if n == nil || n.Tag == "!!null" {
		return
	}
	def := review.DefaultMAXConfig()
	c.ReviewMAX = &def
	d.decode(n, "review.max", c.ReviewMAX)
	if n.Kind == yaml.MappingNode && find(n, "token_file") != nil && find(n, "token_env") == nil {
		c.ReviewMAX.TokenEnv = "" // the default gives way to the file named
	}
}

// checkReviewMAX validates review.max and refuses a token a MAX account
// also uses: MAX has one updates loop per token (a second poller takes
// the updates from the first), so the review chat needs a bot of its own.
func (c *Config) checkReviewMAX() []error {
	if c.ReviewMAX == nil {
		return nil
	}
	var errs []error
	if err := c.ReviewMAX.Validate(); err != nil {
		errs = append(errs, c.Problems(err)...)
	}
	m := c.ReviewMAX
	for _, ref := range c.Secrets() {
		i, ok := accountIndex(ref.Key)
		if !ok || c.Accounts[i].Network != "max" {
			continue
		}
		key, same := "", false
		switch {
		case m.TokenEnv != "" && ref.Env == m.TokenEnv:
			key, same = "review.max.token_env", true
		case m.TokenFile != "" && ref.File == m.TokenFile:
			key, same = "review.max.token_file", true
		}
		if same {
			errs = append(errs, c.Problem(fmt.Errorf("%s: accounts[%d] (%s) reads its MAX token from the same place; one bot token has one updates loop, so the review chat needs a bot of its own",
				key, i, c.Accounts[i].Name)))
		}
	}
	return errs
}

// reviewWebTimeoutKeys are review.web's keys of the chats' time-outs.
var reviewWebTimeoutKeys = []string{"remind_after", "review_timeout", "on_timeout"}

// checkReviewWebTimeouts refuses review.web's time-out keys beside a
// review chat: the chat's timers then remind and time out (telegram:'s
// keys, which review.max follows too), so the console's would be ignored.
func (c *Config) checkReviewWebTimeouts() []error {
	if c.Telegram == nil && c.ReviewMAX == nil {
		return nil
	}
	var errs []error
	for _, k := range reviewWebTimeoutKeys {
		key := "review.web." + k
		line := c.lines[key]
		if line == 0 {
			continue
		}
		msg := fmt.Sprintf("applies only when the console is the only review channel; with the telegram review chat its timer decides: set telegram.%s instead", k)
		if c.Telegram == nil {
			msg = "applies only when the console is the only review channel; the review.max chat's timer decides, with telegram:'s keys when given, else the defaults (remind_after 2h, review_timeout 24h, on_timeout keep)"
		}
		errs = append(errs, Problem{File: c.File, Line: line, Key: key, Msg: msg})
	}
	return errs
}

// accountIndex reads i from "accounts[i].…".
func accountIndex(key string) (int, bool) {
	rest, ok := strings.CutPrefix(key, "accounts[")
	if !ok {
		return 0, false
	}
	n, _, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil
}

// findKey is the key node of key in a mapping, or nil.
func findKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}
