package outbound

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var (
	testSecret = []byte("psec_test-secret")
	testBody   = []byte(`{"comment":"c1","text":"hello"}`)
	testTime   = time.Unix(1700000000, 0)
)

func TestSignFormat(t *testing.T) {
	got := Sign([]byte("psec_example"), testTime, []byte(`{"comment":"c1"}`))
	// The example in the package documentation, computed independently.
	want := "t=1700000000,v1=39b7b42147d010641b180784092feb668d6028c6b14f93f1e45a2a388d9e521b"
	if got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	header := Sign(testSecret, testTime, testBody)
	_, v1, _ := strings.Cut(header, ",")
	other := Sign([]byte("psec_other"), testTime, testBody)
	_, otherV1, _ := strings.Cut(other, ",")

	tests := []struct {
		name   string
		secret []byte
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"round trip", testSecret, header, testBody, testTime, nil},
		{"a little later", testSecret, header, testBody, testTime.Add(4 * time.Minute), nil},
		{"a little earlier", testSecret, header, testBody, testTime.Add(-4 * time.Minute), nil},
		{"spaces around parts", testSecret, " t=1700000000 , " + v1 + " ", testBody, testTime, nil},
		{"order does not matter", testSecret, v1 + ",t=1700000000", testBody, testTime, nil},
		{"unknown keys ignored", testSecret, header + ",v2=whatever", testBody, testTime, nil},
		{"rotation, new secret first", testSecret, header + "," + otherV1, testBody, testTime, nil},
		{"rotation, new secret second", testSecret, other + "," + v1, testBody, testTime, nil},
		{"rotation, old secret", []byte("psec_other"), header + "," + otherV1, testBody, testTime, nil},

		{"tampered body", testSecret, header, []byte(`{"comment":"c2","text":"hello"}`), testTime, ErrSignatureMismatch},
		{"empty body", testSecret, header, nil, testTime, ErrSignatureMismatch},
		{"wrong secret", []byte("psec_wrong"), header, testBody, testTime, ErrSignatureMismatch},
		{"empty secret", nil, header, testBody, testTime, ErrSignatureMismatch},
		{"time changed", testSecret, "t=1700000001," + v1, testBody, testTime, ErrSignatureMismatch},
		{"time with leading zero", testSecret, "t=01700000000," + v1, testBody, testTime, ErrSignatureMismatch},
		{"rotation, neither matches", []byte("psec_third"), header + "," + otherV1, testBody, testTime, ErrSignatureMismatch},

		{"stale", testSecret, header, testBody, testTime.Add(6 * time.Minute), ErrSignatureTimestamp},
		{"future", testSecret, header, testBody, testTime.Add(-6 * time.Minute), ErrSignatureTimestamp},
		{"very stale", testSecret, header, testBody, testTime.Add(24 * 365 * time.Hour), ErrSignatureTimestamp},

		{"empty header", testSecret, "", testBody, testTime, ErrSignatureMalformed},
		{"no v1", testSecret, "t=1700000000", testBody, testTime, ErrSignatureMalformed},
		{"no t", testSecret, v1, testBody, testTime, ErrSignatureMalformed},
		{"two t", testSecret, "t=1700000000," + header, testBody, testTime, ErrSignatureMalformed},
		{"negative t", testSecret, "t=-1," + v1, testBody, testTime, ErrSignatureMalformed},
		{"plus t", testSecret, "t=+1700000000," + v1, testBody, testTime, ErrSignatureMalformed},
		{"t not a number", testSecret, "t=now," + v1, testBody, testTime, ErrSignatureMalformed},
		{"t too big", testSecret, "t=99999999999999999999," + v1, testBody, testTime, ErrSignatureMalformed},
		{"empty t", testSecret, "t=," + v1, testBody, testTime, ErrSignatureMalformed},
		{"v1 not hex", testSecret, "t=1700000000,v1=" + strings.Repeat("z", 64), testBody, testTime, ErrSignatureMalformed},
		{"v1 short", testSecret, header[:len(header)-2], testBody, testTime, ErrSignatureMalformed},
		{"v1 long", testSecret, header + "00", testBody, testTime, ErrSignatureMalformed},
		{"part without =", testSecret, header + ",junk", testBody, testTime, ErrSignatureMalformed},
		{"trailing comma", testSecret, header + ",", testBody, testTime, ErrSignatureMalformed},
		{"semicolons", testSecret, strings.ReplaceAll(header, ",", ";"), testBody, testTime, ErrSignatureMalformed},
		{"too long", testSecret, header + strings.Repeat(","+v1, 60), testBody, testTime, ErrSignatureMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.header, tt.body, tt.now, 5*time.Minute)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyTolerance(t *testing.T) {
	header := Sign(testSecret, testTime, testBody)
	for _, tt := range []struct {
		tolerance, offset time.Duration
		ok                bool
	}{
		{0, DefaultTolerance, true}, // zero means DefaultTolerance
		{0, DefaultTolerance + time.Second, false},
		{-time.Second, DefaultTolerance, true},
		{30 * time.Second, 30 * time.Second, true},
		{30 * time.Second, 31 * time.Second, false},
		{30 * time.Second, -31 * time.Second, false},
	} {
		t.Run(fmt.Sprintf("tolerance %v offset %v", tt.tolerance, tt.offset), func(t *testing.T) {
			err := Verify(testSecret, header, testBody, testTime.Add(tt.offset), tt.tolerance)
			if tt.ok && err != nil {
				t.Errorf("Verify = %v, want nil", err)
			}
			if !tt.ok && !errors.Is(err, ErrSignatureTimestamp) {
				t.Errorf("Verify = %v, want ErrSignatureTimestamp", err)
			}
		})
	}
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b {
		t.Fatalf("two secrets are equal: %q", a)
	}
	for _, s := range []string{a, b} {
		raw, ok := strings.CutPrefix(s, "psec_")
		if !ok {
			t.Fatalf("secret %q lacks the psec_ prefix", s)
		}
		key, err := base64.RawURLEncoding.DecodeString(raw)
		if err != nil || len(key) != 32 {
			t.Fatalf("secret %q does not hold 32 base64url bytes: %d, %v", s, len(key), err)
		}
		if err := Verify([]byte(s), Sign([]byte(s), testTime, testBody), testBody, testTime, 0); err != nil {
			t.Fatalf("round trip with a new secret: %v", err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(Sign(testSecret, testTime, testBody), testBody)
	f.Add("t=1700000000,v1=00", testBody)
	f.Add("t=,v1=,,", []byte(nil))
	f.Add("t=1700000000,t=1,v1=zz,v2=", []byte("x"))
	f.Add("=,=,=", []byte("{}"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		err := Verify(testSecret, header, body, testTime, time.Minute)
		if err != nil && !errors.Is(err, ErrSignatureMalformed) &&
			!errors.Is(err, ErrSignatureMismatch) && !errors.Is(err, ErrSignatureTimestamp) {
			t.Fatalf("Verify(%q) = %v, not one of the documented errors", header, err)
		}
	})
}
