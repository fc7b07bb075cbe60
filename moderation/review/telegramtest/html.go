package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
)

// allowedTags are the tags of Telegram's HTML parse mode.
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "a": true, "code": true, "pre": true,
	"blockquote": true, "tg-spoiler": true, "span": true, "tg-emoji": true,
}

// parseHTML checks text the way Telegram's HTML parse mode does (a stray
// "<" or "&" is an error, tags must be known and nested) and returns the
// plain text the user sees and the links' targets.
func parseHTML(s string) (plain string, links []string, err error) {
	var b strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return "", nil, fmt.Errorf("can't parse entities: unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+j]
			i += j + 1
			if strings.HasPrefix(tag, "/") {
				name := strings.ToLower(strings.TrimSpace(tag[1:]))
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", nil, fmt.Errorf("can't parse entities: unmatched end tag %q", name)
				}
				stack = stack[:len(stack)-1]
				continue
			}
			name, attrs, _ := strings.Cut(tag, " ")
			name = strings.ToLower(name)
			if !allowedTags[name] {
				return "", nil, fmt.Errorf("can't parse entities: unsupported start tag %q", name)
			}
			if name == "a" {
				href, err := attr(attrs, "href")
				if err != nil || href == "" {
					return "", nil, fmt.Errorf("can't parse entities: bad link in tag %q", tag)
				}
				links = append(links, href)
			}
			stack = append(stack, name)
		case '&':
			r, n, err := entity(s[i:])
			if err != nil {
				return "", nil, err
			}
			b.WriteString(r)
			i += n
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("can't parse entities: can't find end tag corresponding to start tag %q", stack[len(stack)-1])
	}
	return b.String(), links, nil
}

// entity decodes one character entity at the start of s.
func entity(s string) (string, int, error) {
	j := strings.IndexByte(s, ';')
	if j < 0 || j > 12 {
		return "", 0, fmt.Errorf("can't parse entities: character entity expected near %q", prefix(s))
	}
	name := s[1:j]
	switch name {
	case "lt":
		return "<", j + 1, nil
	case "gt":
		return ">", j + 1, nil
	case "amp":
		return "&", j + 1, nil
	case "quot":
		return `"`, j + 1, nil
	}
	if strings.HasPrefix(name, "#") {
		var n uint64
		var err error
		if strings.HasPrefix(name, "#x") || strings.HasPrefix(name, "#X") {
			n, err = strconv.ParseUint(name[2:], 16, 32)
		} else {
			n, err = strconv.ParseUint(name[1:], 10, 32)
		}
		if err == nil {
			return string(rune(n)), j + 1, nil
		}
	}
	return "", 0, fmt.Errorf("can't parse entities: unsupported character entity %q", "&"+name+";")
}

func prefix(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// attr reads name="value" from a tag's attributes, decoding entities.
func attr(attrs, name string) (string, error) {
	i := strings.Index(attrs, name+"=")
	if i < 0 {
		return "", nil
	}
	v := attrs[i+len(name)+1:]
	if len(v) == 0 || (v[0] != '"' && v[0] != '\'') {
		return "", fmt.Errorf("unquoted attribute")
	}
	q := v[0]
	end := strings.IndexByte(v[1:], q)
	if end < 0 {
		return "", fmt.Errorf("unterminated attribute")
	}
	raw := v[1 : end+1]
	var b strings.Builder
	for k := 0; k < len(raw); {
		if raw[k] == '&' {
			r, n, err := entity(raw[k:])
			if err != nil {
				return "", err
			}
			b.WriteString(r)
			k += n
			continue
		}
		b.WriteByte(raw[k])
		k++
	}
	return b.String(), nil
}
