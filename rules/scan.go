package rules

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// link is one link found in a comment: its text and host are substrings of
// the comment (no copies). trusted: it goes to a site of
// rules.trusted_domains.
type link struct {
	text, host string
	trusted    bool
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
	// untrusted counts the links to other sites than the trusted ones;
	// addressees the reply markup at the start ([id1|Имя], …), which
	// addresses a person and is not counted as a mention.
	untrusted, addressees int
	// the first phone number and mention, for {{match}}
	phone, mention string
}

func (f *features) reset() {
	f.links = f.links[:0]
	f.phones, f.emails, f.mentions, f.work = 0, 0, 0, 0
	f.untrusted, f.addressees, f.phone, f.mention = 0, 0, "", ""
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

// skipDull steps over the bytes from s[i] on that scanText need not look
// at, eight at a time while they are Cyrillic (every byte ≥ 0x80) or
// spaces, jumping to the first other byte of the eight and going on past
// it when it is not interesting either (a comma, a Latin letter). It
// returns where scanText has to look next (or the last bytes, fewer than
// eight).
func skipDull(s string, i int) int {
	const hi, lo, sp = 0x8080808080808080, 0x7F7F7F7F7F7F7F7F, 0x2020202020202020
	for i+8 <= len(s) {
		w := s[i : i+8]
		v := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		x := v ^ sp
		space := ^((x&lo + lo) | x) & hi // the high bit of each byte that is a space
		other := ^(v&hi | space) & hi    // … of each byte neither Cyrillic nor a space
		if other == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(other) >> 3
		if interesting[s[i]] {
			return i
		}
		i++
	}
	return i
}

// scanText finds links, phones, e-mails and mentions in s. Every byte is
// stepped over a bounded number of times: a link, a mention or a phone
// number is read once and skipped, a run of host bytes is walked back only
// to the previous dot and read forward once.
func (f *features) scanText(s string) {
	f.lastEnd, f.dot, f.dotStart, f.badStart = 0, -1, 0, -1
	f.work += len(s)
	i := f.address(s)
	for i < len(s) {
		c := s[i]
		if !interesting[c] {
			i = skipDull(s, i+1)
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
					if f.phones == 0 {
						f.phone = s[i:end]
					}
					f.phones++
					i = end
					continue
				}
			}
		case c == '[':
			// VK mention: [id123|Name] or [club123|Name]
			if n := markup(s, i); n > 0 {
				f.mention1(s[i : i+n])
				i += n
				continue
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
		f.mention1(s[i:j])
	} else if dot := strings.LastIndexByte(name, '.'); dot > 0 && tldFold(name[dot+1:]) {
		// @example.ru reads as a domain
		f.add(s[i+1:i+1+len(name)], name)
	} else if len(name) >= 3 {
		f.mention1(s[i:j])
	}
	return j
}

func (f *features) mention1(m string) {
	if f.mentions == 0 {
		f.mention = m
	}
	f.mentions++
}

// maxAddressees is how many markup mentions at the start of a comment
// address people (a reply to one or two); more are mass mentions.
const maxAddressees = 2

// address skips the reply markup at the start of s — VK's [id1|Имя],
// [club1|…] and @id1 (Имя), MAX's [Имя](max://user/1) — separated by
// commas and spaces, counts it in f.addressees and returns where the rest
// starts. More than maxAddressees of them count as mentions instead.
func (f *features) address(s string) int {
	i, n, first := addressPrefix(s)
	f.work += i
	if n > maxAddressees {
		f.mentions += n
		f.mention = first
	} else {
		f.addressees = n
	}
	return i
}

// addressPrefix returns the length of the reply markup at the start of s
// (with the commas and spaces after it), how many mentions it holds and
// the first one.
func addressPrefix(s string) (end, n int, first string) {
	i := 0
	for {
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == ',' || s[j] == '\t' || s[j] == '\n') {
			j++
		}
		k := markup(s, j)
		if k == 0 {
			k = vkAt(s, j)
		}
		if k == 0 {
			if n > 0 {
				i = j
			}
			return i, n, first
		}
		if n == 0 {
			first = s[j : j+k]
		}
		n++
		i = j + k
	}
}

// markup returns the length of a VK mention ([id123|Имя], [club5|…],
// [public5|…], [event5|…]) or a MAX one ([Имя](max://user/5)) at s[i:], or
// 0. The name is at most 64 bytes.
func markup(s string, i int) int {
	if i >= len(s) || s[i] != '[' {
		return 0
	}
	for _, p := range [...]string{"[id", "[club", "[public", "[event"} {
		if !hasPrefixFold(s, i, p) {
			continue
		}
		j := i + len(p)
		d := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == d || j >= len(s) || s[j] != '|' {
			return 0
		}
		if k := strings.IndexByte(s[j:min(len(s), j+66)], ']'); k > 0 {
			return j + k + 1 - i
		}
		return 0
	}
	// [Имя](max://user/5)
	k := strings.IndexByte(s[i:min(len(s), i+66)], ']')
	if k < 2 || !hasPrefixFold(s, i+k+1, "(max://user/") {
		return 0
	}
	j := i + k + 1 + len("(max://user/")
	d := j
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == d || j >= len(s) || s[j] != ')' {
		return 0
	}
	return j + 1 - i
}

// vkAt returns the length of VK's other mention form, @id123 (Имя), at
// s[i:], or 0.
func vkAt(s string, i int) int {
	j := 0
	switch {
	case hasPrefixFold(s, i, "@id"):
		j = i + 3
	case hasPrefixFold(s, i, "@club"):
		j = i + 5
	default:
		return 0
	}
	d := j
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == d || j+1 >= len(s) || s[j] != ' ' || s[j+1] != '(' {
		return 0
	}
	if k := strings.IndexByte(s[j:min(len(s), j+68)], ')'); k > 0 {
		return j + k + 1 - i
	}
	return 0
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
