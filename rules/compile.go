package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// leaf keys of a condition and the modifiers they take.
var condLeaves = map[string]condKind{
	"lexicon": cLexicon, "words": cLexicon, "masked": cMasked, "regex": cRegex,
	"link": cLink, "links": cLink, "link_domain": cLinkDomain, "link_outside": cLinkOutside,
	"shortener": cShortener, "invite": cInvite, "telegram_link": cTelegram,
	"phone": cPhone, "email": cEmail, "mentions": cMentions, "emoji": cEmoji,
	"caps": cCaps, "latin": cLatin, "other_script": cOther, "mixed_words": cMixed,
	"length_min": cLengthMin, "length_max": cLengthMax,
	"author_new": cAuthorNew, "author_page": cAuthorPage, "author_manager": cAuthorMgr,
	"violations": cViolations, "flood": cFlood, "duplicates": cDuplicates, "own_duplicates": cOwnDuplicates,
	"account": cAccount, "model": cModel,
	"near": cNear,
	"all":  cAll, "any": cAny, "not": cNot, "at_least": cAtLeast,
}

var condModifiers = map[string][]string{
	"min":        {"lexicon", "words"},
	"of":         {"at_least"},
	"field":      {"regex"},
	"within":     {"violations", "flood", "duplicates", "own_duplicates"},
	"similarity": {"duplicates", "own_duplicates"},
	"gap":        {"near"},
	"scope":      {"violations"},
}

func condKeyList() []string {
	var ks []string
	for k := range condLeaves {
		ks = append(ks, k)
	}
	for k := range condModifiers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

var allCondKeys = condKeyList()

// compiler turns conditions into cond trees; lexicons are looked up (and
// inline word lists registered) in the builder.
type compiler struct {
	*decoder
	b    *builder
	rule string
}

func (c *compiler) cond(n *yaml.Node, key string) *cond {
	if n.Kind == yaml.SequenceNode {
		all := &cond{kind: cAll, line: n.Line}
		for i, k := range n.Content {
			if kc := c.cond(k, fmt.Sprintf("%s[%d]", key, i)); kc != nil {
				all.kids = append(all.kids, kc)
			}
		}
		return all
	}
	if n.Kind != yaml.MappingNode {
		c.fail(n, key, "want a condition (a mapping such as {lexicon: mat}), got %s", kindName(n))
		return nil
	}
	mods := map[string]*yaml.Node{}
	var leaves []string
	vals := map[string]*yaml.Node{}
	keyNodes := map[string]*yaml.Node{}
	c.mapping(n, key, allCondKeys, func(k string, kn, v *yaml.Node) {
		if _, ok := condModifiers[k]; ok {
			mods[k] = v
		} else {
			leaves = append(leaves, k)
		}
		vals[k] = v
		keyNodes[k] = kn
	})
	for m := range mods {
		owners := 0
		for _, l := range leaves {
			if contains(condModifiers[m], l) {
				owners++
			}
		}
		if owners != 1 {
			c.fail(keyNodes[m], join(key, m), "%s goes with exactly one of %s", m, strings.Join(condModifiers[m], ", "))
		}
	}
	if len(leaves) == 0 {
		c.fail(n, key, "empty condition")
		return nil
	}
	var out []*cond
	for _, l := range leaves {
		if lc := c.leaf(l, vals[l], join(key, l), mods, key); lc != nil {
			out = append(out, lc)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return &cond{kind: cAll, kids: out, line: n.Line}
}

func (c *compiler) leaf(k string, v *yaml.Node, key string, mods map[string]*yaml.Node, parent string) *cond {
	cd := &cond{kind: condLeaves[k], line: v.Line, field: k, n: 1, want: true}
	intOr := func(def int) {
		if v.Kind == yaml.ScalarNode && (v.Value == "true" || v.Value == "false") {
			b, _ := c.boolean(v, key)
			cd.want = b
			cd.n = def
			return
		}
		cd.n, _ = c.integer(v, key, 0)
	}
	switch cd.kind {
	case cAll, cAny:
		if v.Kind != yaml.SequenceNode {
			c.fail(v, key, "want a list of conditions, got %s", kindName(v))
			return nil
		}
		for i, kn := range v.Content {
			if kc := c.cond(kn, fmt.Sprintf("%s[%d]", key, i)); kc != nil {
				cd.kids = append(cd.kids, kc)
			}
		}
	case cNot:
		kc := c.cond(v, key)
		if kc == nil {
			return nil
		}
		cd.kids = []*cond{kc}
	case cAtLeast:
		cd.n, _ = c.integer(v, key, 1)
		of := mods["of"]
		if of == nil || of.Kind != yaml.SequenceNode {
			c.fail(v, key, "at_least needs of: [conditions]")
			return nil
		}
		for i, kn := range of.Content {
			if kc := c.cond(kn, fmt.Sprintf("%s[%d]", join(parent, "of"), i)); kc != nil {
				cd.kids = append(cd.kids, kc)
			}
		}
	case cLexicon:
		if k == "words" {
			name := fmt.Sprintf("%s#%d", c.rule, v.Line)
			c.b.addLexicon(c.decoder, name, v.Line, c.strList(v, key))
			cd.lex = []int32{c.b.lexIndex[name]}
		} else {
			for _, e := range c.strList(v, key) {
				i, ok := c.b.lexIndex[e.src]
				if !ok {
					c.fail(v, e.key, "no lexicon named %q", e.src)
					continue
				}
				cd.lex = append(cd.lex, i)
			}
		}
		if m := mods["min"]; m != nil {
			cd.n, _ = c.integer(m, join(parent, "min"), 1)
		}
	case cNear:
		names := c.strList(v, key)
		for _, e := range names {
			i, ok := c.b.lexIndex[e.src]
			if !ok {
				c.fail(v, e.key, "no lexicon named %q", e.src)
				continue
			}
			cd.lex = append(cd.lex, i)
		}
		if len(names) < 2 {
			c.fail(v, key, "near needs at least two lexicons, in order")
			return nil
		}
		if len(cd.lex) < len(names) {
			return nil
		}
		cd.n = 2
		if m := mods["gap"]; m != nil {
			cd.n, _ = c.integer(m, join(parent, "gap"), 0)
		}
	case cMasked:
		for _, e := range c.strList(v, key) {
			i, ok := c.b.lexIndex[e.src]
			if !ok {
				c.fail(v, e.key, "no lexicon named %q", e.src)
				continue
			}
			cd.lex = append(cd.lex, i)
			c.b.lexicons[i].masked = true
		}
	case cRegex:
		s, _ := c.str(v, key)
		if f := mods["field"]; f != nil {
			switch f.Value {
			case "text":
			case "normalized", "normalised":
				cd.norm = true
			default:
				c.fail(f, join(parent, "field"), "want text or normalized, got %q", f.Value)
			}
		}
		re, err := regexp.Compile(s)
		if err != nil {
			c.fail(v, key, "%v", err)
			return nil
		}
		cd.re = re
		if !cd.norm {
			cd.needs = regexNeeds(s)
			if cd.lit = newLitStart(s); cd.lit == nil {
				cd.alt = newAltSplit(s)
			}
		}
	case cLink, cPhone, cEmail, cMentions, cEmoji, cMixed:
		intOr(1)
		if !cd.want {
			// "phone: false" = no phone: at least 1 must not hold
			return &cond{kind: cNot, kids: []*cond{{kind: cd.kind, n: 1, want: true, line: v.Line, field: k}}, line: v.Line}
		}
	case cLengthMin, cLengthMax:
		cd.n, _ = c.integer(v, key, 0)
	case cCaps, cLatin, cOther:
		cd.f, _ = c.number(v, key, 0, 1)
	case cLinkDomain, cLinkOutside, cAccount:
		for _, e := range c.strList(v, key) {
			cd.strs = append(cd.strs, strings.TrimPrefix(strings.ToLower(strings.TrimSpace(e.src)), "www."))
		}
		if len(cd.strs) == 0 {
			c.fail(v, key, "empty list")
		}
	case cShortener, cInvite, cTelegram, cAuthorNew, cAuthorPage, cAuthorMgr:
		cd.want, _ = c.boolean(v, key)
	case cModel:
		return c.modelLeaf(cd, v, key)
	case cViolations, cFlood, cDuplicates, cOwnDuplicates:
		cd.n, _ = c.integer(v, key, 1)
		w := mods["within"]
		if w == nil {
			c.fail(v, key, "%s needs within: (e.g. 30d, 10m)", k)
			return nil
		}
		cd.d, _ = c.duration(w, join(parent, "within"))
		if sc := mods["scope"]; sc != nil {
			switch sc.Value {
			case "page":
			case "district":
				cd.district = true
			default:
				c.fail(sc, join(parent, "scope"), "want page or district, got %q", sc.Value)
			}
		}
		cd.f = 0.8
		if s := mods["similarity"]; s != nil {
			cd.f, _ = c.number(s, join(parent, "similarity"), 0, 1)
		}
	}
	return cd
}
