package config

import (
	"gopkg.in/yaml.v3"
)

// reviewChannels reads the review section: `review: {telegram: ...}` is
// the top-level `telegram:` under its new name (issue 14: several review
// channels at once). It returns the key and value pairs to decode as if
// given at the top level; the lines of their keys stay where they were.
// Both spellings at once are an error naming both lines.
func (d *decoder) reviewChannels(root, n *yaml.Node) []*yaml.Node {
	if n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, "review", "must be a mapping of review channels (telegram), not %s", kindName(n))
		return nil
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch k.Value {
		case "telegram":
			if top := findKey(root, "telegram"); top != nil {
				d.add(k.Line, "review.telegram", "given both here and as the top-level telegram on line %d: keep one", top.Line)
				continue
			}
			out = append(out, k, n.Content[i+1])
		default:
			d.add(k.Line, "review."+k.Value, "unknown review channel (known: telegram)")
		}
	}
	return out
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
