package badgerstore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// Comments are stored in a compact binary form rather than JSON: decoding
// 1,000 comments as JSON was two thirds of a cold thread read. The first
// byte tells the form, so both are read: '{' is JSON (what the first
// version wrote), commentV1 is the layout below. Fields are only ever added
// at the end; a reader ignores bytes it does not know.
//
//	version byte
//	strings, each a uvarint length and its bytes: ID, SiteID, PageKey,
//	  ParentID, Author.Name, Author.Affiliation, Author.Website,
//	  Author.Email, Author.Badge, Markdown, HTML, Status, ReaderHash, IPHash
//	varints: Created and Edited in Unix nanoseconds (0: zero time), Score
//	flags byte: bit 0 Pinned
//	HoldReasons: a uvarint count, then each as a string; then Fingerprint
//	  as a string; then a second flags byte: bit 0 Notify, bit 1 Answered,
//	  bit 2 Author.Verified; then Author.Avatar as a string
//	  (each absent in records written before it existed; a record written
//	  before Answered or Author.Verified has that bit clear, so it reads as
//	  not answered or not verified, and one written before Author.Avatar
//	  ends after the second flags byte, so it reads with no avatar)
const commentV1 = 1

var errCorrupt = errors.New("badgerstore: corrupt comment record")

// encodeComment returns c's stored form.
func encodeComment(c storage.Comment) []byte {
	strs := [...]string{c.ID, c.SiteID, c.PageKey, c.ParentID, c.Author.Name, c.Author.Affiliation,
		c.Author.Website, c.Author.Email, string(c.Author.Badge), c.Markdown, c.HTML, string(c.Status), c.ReaderHash, c.IPHash}
	n := 1 + 3*binary.MaxVarintLen64 + 1
	for _, s := range strs {
		n += binary.MaxVarintLen64 + len(s)
	}
	for _, r := range c.HoldReasons {
		n += binary.MaxVarintLen64 + len(r)
	}
	n += binary.MaxVarintLen64 + len(c.Fingerprint) + 1 + binary.MaxVarintLen64 + len(c.Author.Avatar)
	b := make([]byte, 0, n)
	b = append(b, commentV1)
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, unixNano(c.Created))
	b = binary.AppendVarint(b, unixNano(c.Edited))
	b = binary.AppendVarint(b, int64(c.Score))
	var flags byte
	if c.Pinned {
		flags |= 1
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(c.HoldReasons)))
	for _, r := range c.HoldReasons {
		b = binary.AppendUvarint(b, uint64(len(r)))
		b = append(b, r...)
	}
	b = binary.AppendUvarint(b, uint64(len(c.Fingerprint)))
	b = append(b, c.Fingerprint...)
	var more byte
	if c.Notify {
		more |= 1
	}
	if c.Answered {
		more |= 2
	}
	if c.Author.Verified {
		more |= 4
	}
	b = append(b, more)
	b = binary.AppendUvarint(b, uint64(len(c.Author.Avatar)))
	return append(b, c.Author.Avatar...)
}

// decodeComment reads a stored comment in either form. b may be Badger's
// own buffer: everything kept is copied, in one string that the fields
// share.
func decodeComment(b []byte, c *storage.Comment) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, c)
	}
	if len(b) == 0 || b[0] != commentV1 {
		return errCorrupt
	}
	// Lengths are read from raw; the strings are cut from all, one copy.
	raw := b[1:]
	all := string(raw)
	pos := 0
	next := func() (string, error) {
		l, n := binary.Uvarint(raw[pos:])
		if n <= 0 || uint64(len(raw)-pos-n) < l {
			return "", errCorrupt
		}
		s := all[pos+n : pos+n+int(l)]
		pos += n + int(l)
		return s, nil
	}
	var badge, status string
	for _, dst := range []*string{&c.ID, &c.SiteID, &c.PageKey, &c.ParentID, &c.Author.Name, &c.Author.Affiliation,
		&c.Author.Website, &c.Author.Email, &badge, &c.Markdown, &c.HTML, &status, &c.ReaderHash, &c.IPHash} {
		s, err := next()
		if err != nil {
			return err
		}
		*dst = s
	}
	c.Author.Badge, c.Status = storage.Badge(badge), storage.Status(status)
	rest := raw[pos:]
	var nums [3]int64
	for i := range nums {
		v, n := binary.Varint(rest)
		if n <= 0 {
			return errCorrupt
		}
		nums[i], rest = v, rest[n:]
	}
	c.Created, c.Edited, c.Score = fromUnixNano(nums[0]), fromUnixNano(nums[1]), int(nums[2])
	if len(rest) == 0 {
		return fmt.Errorf("%w: no flags", errCorrupt)
	}
	c.Pinned = rest[0]&1 != 0
	c.HoldReasons, c.Fingerprint, c.Notify, c.Answered = nil, "", false, false
	c.Author.Verified, c.Author.Avatar = false, ""
	pos = len(raw) - len(rest) + 1
	if pos == len(raw) {
		return nil // written before HoldReasons existed
	}
	count, n := binary.Uvarint(raw[pos:])
	if n <= 0 || count > uint64(len(raw)-pos) {
		return errCorrupt
	}
	pos += n
	if count > 0 {
		c.HoldReasons = make([]string, count)
	}
	for i := range c.HoldReasons {
		r, err := next()
		if err != nil {
			return err
		}
		c.HoldReasons[i] = r
	}
	if pos == len(raw) {
		return nil // written before Fingerprint existed
	}
	fp, err := next()
	if err != nil {
		return err
	}
	c.Fingerprint = fp
	if pos == len(raw) {
		return nil // written before Notify existed
	}
	c.Notify, c.Answered, c.Author.Verified = raw[pos]&1 != 0, raw[pos]&2 != 0, raw[pos]&4 != 0
	pos++
	if pos == len(raw) {
		return nil // written before Author.Avatar existed
	}
	avatar, err := next()
	if err != nil {
		return err
	}
	c.Author.Avatar = avatar
	return nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// getComment reads and decodes the comment at key.
func getComment(txn *badger.Txn, key []byte, c *storage.Comment) error {
	item, err := txn.Get(key)
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error { return decodeComment(b, c) })
}

// setComment encodes c and stages it at key.
func setComment(txn *badger.Txn, key []byte, c storage.Comment) error {
	return txn.Set(key, encodeComment(c))
}
