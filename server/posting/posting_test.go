package posting

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestCommentIDCarriesCreationTime(t *testing.T) {
	past := time.Date(2019, 3, 4, 5, 6, 7, 8_000_000, time.UTC)
	a, err := CommentID(past)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CommentID(past.Add(time.Millisecond))
	id := uuid.MustParse(a)
	sec, nsec := id.Time().UnixTime()
	if id.Version() != 7 || id.Variant() != uuid.RFC4122 || !time.Unix(sec, nsec).Equal(past) {
		t.Errorf("id %s: version %d, time %v", a, id.Version(), time.Unix(sec, nsec).UTC())
	}
	if a >= b {
		t.Errorf("ids not in time order: %s >= %s", a, b)
	}
}
