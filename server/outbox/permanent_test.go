package outbox

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestPermanent(t *testing.T) {
	base := errors.New("550 no such user")
	p := Permanent(base)
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"marked", p, true},
		{"wrapped after marking", fmt.Errorf("smtp: %w", p), true},
		{"joined", errors.Join(io.EOF, p), true},
		{"plain", base, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPermanent(tt.err); got != tt.want {
				t.Errorf("IsPermanent(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	if !errors.Is(p, base) || p.Error() != base.Error() {
		t.Errorf("Permanent hides its error: %v", p)
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
}
