package importer

import (
	"crypto/sha256"
	"time"

	"github.com/google/uuid"
)

// commentID is the id an imported comment gets: a UUIDv7 whose time is
// the comment's date (key order stays time order) and whose other bits
// come from the format, the site and the comment's id in the file, so
// importing the same file again finds the same ids and adds nothing.
func commentID(format, site, sourceID string, created time.Time) string {
	sum := sha256.Sum256([]byte(format + "\x00" + site + "\x00" + sourceID))
	var id uuid.UUID
	copy(id[:], sum[:])
	ms := uint64(created.UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	id[6] = id[6]&0x0f | 0x70 // version 7
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id.String()
}
