package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Passwords are hashed with argon2id (RFC 9106): memory-hard, so a stolen
// database costs an attacker memory per guess, not only time. The
// parameters are OWASP's first recommendation (19 MiB, 2 passes, 1 lane)
// and travel in the hash, so raising them later keeps old hashes valid.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

var defaultArgon = argonParams{memory: 19 * 1024, time: 2, threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinPasswordLen and MaxPasswordLen bound a password in characters
	// (bytes for the upper bound: argon2 reads them all).
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// CheckPasswordRules says why a new password is refused ("" when fine).
func CheckPasswordRules(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return errors.New("пароль не в UTF-8 (password is not UTF-8)")
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return fmt.Errorf("пароль короче %d символов (password shorter than %d characters)", MinPasswordLen, MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return fmt.Errorf("пароль длиннее %d байт (password longer than %d bytes)", MaxPasswordLen, MaxPasswordLen)
	}
	return nil
}

// HashPassword returns the PHC string of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func HashPassword(pw string) (string, error) {
	return hashWith(pw, defaultArgon)
}

func hashWith(pw string, p argonParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("web: password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the hash, comparing in
// constant time. A malformed hash never matches.
func VerifyPassword(hash, pw string) bool {
	p, salt, key, ok := parseHash(hash)
	if !ok || len(pw) > MaxPasswordLen {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

func parseHash(h string) (p argonParams, salt, key []byte, ok bool) {
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, false
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil {
		return p, nil, nil, false
	}
	// Bounds keep a tampered record from making one check take forever.
	if p.memory < 8 || p.memory > 1<<20 || p.time < 1 || p.time > 16 || threads < 1 || threads > 16 {
		return p, nil, nil, false
	}
	p.threads = uint8(threads)
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	key, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}

// dummyHash is checked against when the user does not exist, so a wrong
// name costs what a wrong password costs and timing does not tell them
// apart. Made on first use: every strazh command links this package.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashWith("strazh-no-such-user", defaultArgon)
	return h
})
