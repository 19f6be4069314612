package admin

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batter") || CheckPassword(h, "") {
		t.Error("CheckPassword")
	}
	if _, err := HashPassword("short"); err != ErrWeakPassword {
		t.Errorf("short password: %v", err)
	}
	b, _ := bcrypt.GenerateFromPassword([]byte("imported password"), bcrypt.MinCost)
	if !CheckPassword(string(b), "imported password") || CheckPassword(string(b), "other") {
		t.Error("bcrypt hashes are not checked")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdA$" + strings.Repeat("A", 43),
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", strings.Replace(h, "t=2", "t=99", 1)} {
		if CheckPassword(bad, "correct horse battery") {
			t.Errorf("accepted %q", bad)
		}
	}
}
