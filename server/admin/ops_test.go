package admin_test

import (
	"strings"
	"testing"
	"time"
)

// Instance admins see the data size and the last backup on the
// dashboard; site owners do not.
func TestDashboardOperations(t *testing.T) {
	last := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	e := newEnv(t, false, func() (int64, time.Time) { return 5 << 20, last })
	a := e.do(call{method: "GET", path: "/admin/", user: "root"})
	if !strings.Contains(a.body, "5.0 MiB") || !strings.Contains(a.body, "2026-03-04 05:06 UTC") {
		t.Errorf("admin dashboard lacks the operations:\n%s", a.body)
	}
	a = e.do(call{method: "GET", path: "/admin/", user: "alice"})
	if strings.Contains(a.body, "ops-size") || strings.Contains(a.body, "MiB") {
		t.Errorf("an owner sees the operations:\n%s", a.body)
	}

	e = newEnv(t, false, func() (int64, time.Time) { return 512, time.Time{} })
	a = e.do(call{method: "GET", path: "/admin/", user: "root"})
	if !strings.Contains(a.body, "512 bytes") || !strings.Contains(a.body, "none known") {
		t.Errorf("no backup yet:\n%s", a.body)
	}
	e = newEnv(t, false)
	if a := e.do(call{method: "GET", path: "/admin/", user: "root"}); strings.Contains(a.body, "ops-size") {
		t.Error("operations shown without Config.Operations")
	}
}
