package admin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Password hashing: argon2id with the parameters recommended by OWASP for a
// server that hashes on every sign-in (19 MiB, 2 passes, 1 lane), encoded as
// a PHC string so the parameters travel with the hash and can be raised
// later without breaking old hashes. bcrypt hashes ($2a$, $2b$, $2y$) are
// accepted too, for accounts imported from other systems.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// MinPasswordLen is the shortest password accepted for a new account.
const MinPasswordLen = 10

// ErrWeakPassword is returned by HashPassword for a password shorter than
// MinPasswordLen.
var ErrWeakPassword = fmt.Errorf("the password needs at least %d characters", MinPasswordLen)

// HashPassword returns the argon2id PHC string of password, with a fresh
// random salt.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLen {
		return "", ErrWeakPassword
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash, in time
// independent of where the two differ.
func CheckPassword(encoded, password string) bool {
	if strings.HasPrefix(encoded, "$2") {
		return bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password)) == nil
	}
	p, salt, key, err := decodeArgon(encoded)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

type argonParams struct {
	memory, time uint32
	threads      uint8
}

// decodeArgon parses "$argon2id$v=19$m=..,t=..,p=..$salt$key", refusing
// parameters far outside what HashPassword writes, so a tampered hash
// cannot make a sign-in allocate gigabytes.
func decodeArgon(s string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("not an argon2id hash")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errors.New("unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, err
	}
	if p.memory < 8 || p.memory > 1<<20 || p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 16 {
		return p, nil, nil, errors.New("argon2 parameters out of range")
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, err
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errors.New("bad argon2 key")
	}
	return p, salt, key, nil
}

// dummyHash is checked against when a sign-in names no existing user, so
// that the answer takes as long as for a wrong password and does not reveal
// which user names exist. It is made on the first sign-in, not at start-up:
// hashing takes tens of milliseconds and 19 MiB.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("parley-dummy-password") // long enough: never ErrWeakPassword
	return h
})
