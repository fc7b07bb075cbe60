package rules

import "unicode/utf8"

// MaxEvalRunes is how much of a comment the rules read: its first 16,384
// characters, at least the longest comment the networks strazh serves
// accept (a Telegram message stops at 4,096; VK's comment limit is not in
// docs/platform-apis.md, and 16,384 is the longest VK text we know of). The
// cut only matters for hostile or broken input, whose cost it bounds; the
// full text is still stored and shown to the moderator.
const MaxEvalRunes = 16384

// maxLinkBytes caps each link the connector attached to a comment.
const maxLinkBytes = 2048

// capText returns the length in bytes of the first MaxEvalRunes runes of
// s, never cutting inside a UTF-8 sequence.
func capText(s string) int {
	if len(s) <= MaxEvalRunes { // fewer bytes than the cap: fewer runes too
		return len(s)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 { // a rune starts here
			if n == MaxEvalRunes {
				return i
			}
			n++
		}
	}
	return len(s)
}

// capBytes returns the length of s cut to at most n bytes on a rune
// boundary.
func capBytes(s string, n int) int {
	if len(s) <= n {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}
