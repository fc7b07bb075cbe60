package rules

import (
	"strings"
	"unicode/utf8"
)

// link is one link found in a comment: its text and host are substrings of
// the comment (no copies).
type link struct {
	text, host string
}

// features are what the text scanners find in the original text: links,
// phone numbers, e-mail addresses and @mentions.
type features struct {
	lastEnd       int // end of the last link found in the text being scanned
	dot, dotStart int // the last dot a bare domain was looked for at, and where its run of host bytes starts
	badStart      int // the start of the last host run that held no domain (-1: none)
	work          int // bytes stepped over (tests check it grows linearly)
	links         []link
	phones        int
	emails        int
	mentions      int
}

func (f *features) reset() {
	f.links = f.links[:0]
	f.phones, f.emails, f.mentions, f.work = 0, 0, 0, 0
}

const maxLinks = 64

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isHostByte(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == 0xD0 || c == 0xD1 || (c >= 0x80 && c <= 0xBF)
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s[i:] starts with the lower-case ASCII p.
func hasPrefixFold(s string, i int, p string) bool {
	if len(s)-i < len(p) {
		return false
	}
	for k := 0; k < len(p); k++ {
		if lowerByte(s[i+k]) != p[k] {
			return false
		}
	}
	return true
}

// tlds are the top-level domains a bare domain (example.ru) must end with.
var tlds = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`ru com net org me io su info biz pro xyz top club online site store shop app dev
		link live fun space website tech ua by kz uz de uk us tv am ge cn eu win bet casino vip pw tk ml ga cf gq icu cyou
		monster sbs life world today one games fm ai gl ws im sh lol ly gg cc to co cx cloud digital email network
		group finance money cash loans credit bond market trade io biz ink rest bar best click help host kg tj az md lv lt ee
		рф бел укр`) {
		tlds[t] = true
	}
}

func tldFold(s string) bool {
	if len(s) == 0 || len(s) > 12 {
		return false
	}
	var buf [32]byte
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			buf[n] = lowerByte(c)
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 'А' && r <= 'Я' {
			r += 'а' - 'А'
		}
		if n+4 > len(buf) {
			return false
		}
		n += utf8.EncodeRune(buf[n:], r)
		i += size
	}
	return tlds[string(buf[:n])]
}

// interesting are the bytes scanText has to look at; the rest (letters,
// Cyrillic, spaces) are skipped in one comparison.
var interesting = func() (t [256]bool) {
	for _, c := range []byte("hHtT@+[.0123456789") {
		t[c] = true
	}
	return t
}()

// scanText finds links, phones, e-mails and mentions in s. Every byte is
// stepped over a bounded number of times: a link, a mention or a phone
// number is read once and skipped, a run of host bytes is walked back only
// to the previous dot and read forward once.
func (f *features) scanText(s string) {
	f.lastEnd, f.dot, f.dotStart, f.badStart = 0, -1, 0, -1
	f.work += len(s)
	for i := 0; i < len(s); {
		c := s[i]
		if !interesting[c] {
			i++
			continue
		}
		switch {
		case c == 'h' || c == 'H':
			if hasPrefixFold(s, i, "http://") || hasPrefixFold(s, i, "https://") {
				i = f.scheme(s, i)
				continue
			}
		case c == 't' || c == 'T':
			if hasPrefixFold(s, i, "tg://") {
				i = f.scheme(s, i)
				continue
			}
		case c == '@':
			i = f.at(s, i)
			continue
		case c == '+' || c >= '0' && c <= '9':
			if i == 0 || !isAlnum(s[i-1]) {
				end, ok := phone(s, i)
				f.work += end - i
				if ok {
					f.phones++
					i = end
					continue
				}
			}
		case c == '[':
			// VK mention: [id123|Name] or [club123|Name]
			if hasPrefixFold(s, i, "[id") || hasPrefixFold(s, i, "[club") || hasPrefixFold(s, i, "[public") {
				if j := strings.IndexByte(s[i:min(len(s), i+64)], '|'); j > 0 {
					f.mentions++
				}
			}
		}
		if c == '.' && i > 0 && isHostByte(s[i-1]) {
			// a bare domain: walk back to the start of the run, but not
			// past the previous dot (its run start is known) or the last link
			st := i - 1
			for st > 0 && isHostByte(s[st-1]) {
				if st-1 == f.dot {
					st = f.dotStart
					break
				}
				st--
				f.work++
				if st < f.lastEnd {
					break
				}
			}
			f.dot, f.dotStart = i, st
			if (st > 0 && s[st-1] == '@') || st < f.lastEnd || st == f.badStart {
				i++
				continue
			}
			if end, ok := f.bare(s, st); ok && end > i {
				i = end
				continue
			}
			f.badStart = st // the same run holds no domain at its later dots either
		}
		i++
	}
}

// scheme reads a link that starts with a scheme at s[i:].
func (f *features) scheme(s string, i int) int {
	h := strings.Index(s[i:], "//") + i + 2
	e := h
	for e < len(s) && isHostByte(s[e]) && s[e] != '_' {
		e++
	}
	host := strings.TrimRight(s[h:e], ".")
	end := e
	for end < len(s) && !isSpaceByte(s[end]) {
		end++
	}
	f.add(s[i:end], host)
	f.lastEnd = end
	f.work += end - i
	return end
}

// bare reads a domain without a scheme starting at s[st:]; the host must
// end in a known top-level domain.
func (f *features) bare(s string, st int) (int, bool) {
	e := st
	for e < len(s) && isHostByte(s[e]) {
		e++
	}
	f.work += e - st
	host := strings.TrimRight(s[st:e], ".-_")
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 || !tldFold(host[dot+1:]) {
		return 0, false
	}
	// the label before the TLD must be a real label
	if host[dot-1] == '.' || host[dot-1] == '-' {
		return 0, false
	}
	end := st + len(host)
	if end < len(s) && (s[end] == '/' || s[end] == ':') {
		for end < len(s) && !isSpaceByte(s[end]) {
			end++
		}
		f.work += end - st - len(host)
	}
	f.add(s[st:end], host)
	f.lastEnd = end
	return end, true
}

func (f *features) add(text, host string) {
	if len(f.links) < maxLinks {
		f.links = append(f.links, link{text: text, host: host})
	}
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// at reads an @mention or an e-mail address around s[i] == '@'.
func (f *features) at(s string, i int) int {
	j := i + 1
	for j < len(s) && (isAlnum(s[j]) || s[j] == '_' || s[j] == '.' || s[j] == '-') {
		j++
	}
	f.work += j - i
	name := strings.TrimRight(s[i+1:j], ".-")
	if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '.' || s[i-1] == '_' || s[i-1] == '-') {
		if strings.IndexByte(name, '.') > 0 {
			f.emails++
		}
		return j
	}
	if len(name) >= 3 && strings.IndexByte(name, '.') < 0 {
		f.mentions++
	} else if dot := strings.LastIndexByte(name, '.'); dot > 0 && tldFold(name[dot+1:]) {
		// @example.ru reads as a domain
		f.add(s[i+1:i+1+len(name)], name)
	} else if len(name) >= 3 {
		f.mentions++
	}
	return j
}

// phone reads a phone number at s[i:]: 10 to 12 digits in groups separated
// by at most two of " -().", starting with +, 7, 8 (11 digits) or 9 (10).
func phone(s string, i int) (int, bool) {
	plus := s[i] == '+'
	j := i
	if plus {
		j++
	}
	digits, first, lastDigit := 0, byte(0), j
	// a 13th digit already rules the number out: stop there, so that
	// trying every digit of a long run as a start stays linear
	for j < len(s) && digits <= 12 {
		c := s[j]
		if c >= '0' && c <= '9' {
			if digits == 0 {
				first = c
			}
			digits++
			j++
			lastDigit = j
			continue
		}
		// separators
		k := j
		for k < len(s) && k-j < 2 && (s[k] == ' ' || s[k] == '-' || s[k] == '(' || s[k] == ')' || s[k] == '.') {
			k++
		}
		if k == j || k >= len(s) || s[k] < '0' || s[k] > '9' {
			break
		}
		j = k
	}
	if digits < 10 || digits > 12 || (lastDigit < len(s) && isAlnum(s[lastDigit])) {
		return lastDigit, false
	}
	switch {
	case plus:
	case digits == 11 && (first == '7' || first == '8'):
	case digits == 10 && first == '9':
	default:
		return lastDigit, false
	}
	return lastDigit, true
}

// hostIs reports whether host is domain or a subdomain of it (ASCII case
// is ignored; a leading "www." of domain is not needed).
func hostIs(host, domain string) bool {
	if len(host) < len(domain) {
		return false
	}
	tail := host[len(host)-len(domain):]
	if !strings.EqualFold(tail, domain) {
		return false
	}
	return len(host) == len(domain) || host[len(host)-len(domain)-1] == '.'
}

// shorteners are URL shorteners; a shortened link hides where it goes.
var shorteners = []string{
	"bit.ly", "clck.ru", "goo.gl", "tinyurl.com", "cutt.ly", "t.ly", "vk.cc", "is.gd", "u.to",
	"ow.ly", "rebrand.ly", "shorturl.at", "tiny.cc", "qps.ru", "bitly.com", "rb.gy", "v.gd",
	"s.id", "lnkd.in", "surl.li", "shorturl.ru", "to.click", "clc.to", "inlnk.ru", "tg.pe",
}

// telegramHosts are Telegram's link hosts.
var telegramHosts = []string{"t.me", "telegram.me", "telegram.dog", "telesco.pe"}

// isInvite reports links that invite into a chat or group elsewhere.
func isInvite(l link) bool {
	t := strings.ToLower(l.text) // rare path: only links
	for _, p := range []string{"t.me/+", "t.me/joinchat", "telegram.me/joinchat", "chat.whatsapp.com", "discord.gg/", "discord.com/invite", "vk.me/join", "tg://join"} {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}
