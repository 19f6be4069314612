package admin

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	// Per client: 20 failures over many accounts block that client.
	for i := range maxPerClient {
		if l.blocked("ip1", "u") > 0 {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("ip1", string(rune('a'+i)))
	}
	if l.blocked("ip1", "fresh") == 0 {
		t.Error("client not blocked")
	}
	if l.blocked("ip2", "fresh") != 0 {
		t.Error("another client is blocked")
	}
	// Per account: 10 failures from many clients block the account.
	for i := range maxPerAccount {
		l.fail(string(rune('A'+i)), "victim")
	}
	if w := l.blocked("ip3", "victim"); w <= 0 || w > loginWindow {
		t.Errorf("account wait %v", w)
	}
	l.succeed("victim")
	if l.blocked("ip3", "victim") != 0 {
		t.Error("success did not clear the account")
	}
	now = now.Add(loginWindow)
	if l.blocked("ip1", "x") != 0 {
		t.Error("the window did not pass")
	}
}
