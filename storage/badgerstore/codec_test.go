package badgerstore

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func TestCommentCodec(t *testing.T) {
	full := storage.Comment{
		ID: "0190-id", SiteID: "site", PageKey: "https://blog.example/p?ü=1", ParentID: "0190-parent",
		Author: storage.Author{Name: "Ada ✓", Affiliation: "Engines", Website: "https://ada.example", Email: "a@example.com", Badge: storage.BadgeOwner,
			Verified: true, Avatar: "https://ada.example/me.png"},
		Markdown: "*hi*\n\nthere", HTML: "<p><em>hi</em></p>\n<p>there</p>",
		Created: time.Date(2026, 11, 28, 12, 0, 0, 123456789, time.UTC), Edited: time.Date(2026, 11, 28, 12, 5, 0, 0, time.UTC),
		Status: storage.StatusApproved, Score: -3, ReaderHash: "r", IPHash: "i", Pinned: true,
		HoldReasons: []string{"links", "suspect_word"},
		Fingerprint: "3f9a1c2b",
		Notify:      true,
		Answered:    true,
	}
	for name, c := range map[string]storage.Comment{"full": full, "empty": {}, "unedited": {ID: "x", Created: full.Created, Score: 7}} {
		var got storage.Comment
		if err := decodeComment(encodeComment(c), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", name, got, c)
		}
	}
	// Records written as JSON by the first version still read.
	old, _ := json.Marshal(full)
	var got storage.Comment
	if err := decodeComment(old, &got); err != nil || !reflect.DeepEqual(got, full) {
		t.Errorf("JSON record: %v\n got %+v", err, got)
	}
	// Records written before HoldReasons existed end after the flags,
	// those written before Fingerprint after the reasons, those written
	// before Notify after the fingerprint, and those written before
	// Author.Avatar after the second flags byte; each reads with the
	// missing fields empty. (An empty avatar is one byte, its length.)
	plain := full
	plain.HoldReasons, plain.Fingerprint, plain.Notify, plain.Answered = nil, "", false, false
	plain.Author.Verified, plain.Author.Avatar = false, ""
	enc := encodeComment(plain)
	if err := decodeComment(enc[:len(enc)-4], &got); err != nil || !reflect.DeepEqual(got, plain) {
		t.Errorf("record without hold reasons: %v\n got %+v", err, got)
	}
	noPrint := full
	noPrint.Fingerprint, noPrint.Notify, noPrint.Answered = "", false, false
	noPrint.Author.Verified, noPrint.Author.Avatar = false, ""
	enc = encodeComment(noPrint)
	if err := decodeComment(enc[:len(enc)-3], &got); err != nil || !reflect.DeepEqual(got, noPrint) {
		t.Errorf("record without a fingerprint: %v\n got %+v", err, got)
	}
	noNotify := full
	noNotify.Notify, noNotify.Answered = false, false
	noNotify.Author.Verified, noNotify.Author.Avatar = false, ""
	withoutAvatar := full
	withoutAvatar.Author.Avatar = ""
	enc = encodeComment(withoutAvatar)
	if err := decodeComment(enc[:len(enc)-2], &got); err != nil || !reflect.DeepEqual(got, noNotify) {
		t.Errorf("record without Notify: %v\n got %+v", err, got)
	}
	// A record written before Author.Verified and Author.Avatar existed
	// ends with the second flags byte, its bit 2 clear: it reads as not
	// verified, with no avatar, and the other flags as written.
	beforeReaders := full
	beforeReaders.Author.Verified, beforeReaders.Author.Avatar = false, ""
	enc = encodeComment(withoutAvatar)
	enc = enc[:len(enc)-1]
	enc[len(enc)-1] &^= 4
	if err := decodeComment(enc, &got); err != nil || !reflect.DeepEqual(got, beforeReaders) {
		t.Errorf("record before Verified and Avatar: %v\n got %+v", err, got)
	}
	// The same record with Verified set (written after Verified, before
	// Avatar) reads as verified.
	enc[len(enc)-1] |= 4
	beforeReaders.Author.Verified = true
	if err := decodeComment(enc, &got); err != nil || !reflect.DeepEqual(got, beforeReaders) {
		t.Errorf("record before Avatar: %v\n got %+v", err, got)
	}
	// Verified and Avatar alone round trip, and neither reads as a flag
	// of its neighbours.
	for name, c := range map[string]storage.Comment{
		"verified alone": {ID: "x", Author: storage.Author{Verified: true}},
		"avatar alone":   {ID: "x", Author: storage.Author{Avatar: "https://a.example/a.png"}},
	} {
		if err := decodeComment(encodeComment(c), &got); err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("%s: %v\n got %+v", name, err, got)
		}
	}
	// Decoding a record without them over a comment that had them clears
	// them.
	got = storage.Comment{Author: storage.Author{Verified: true, Avatar: "https://a.example/a.png"}}
	enc = encodeComment(storage.Comment{ID: "x"})
	if err := decodeComment(enc[:len(enc)-1], &got); err != nil || got.Author.Verified || got.Author.Avatar != "" {
		t.Errorf("Verified and Avatar decoded over set ones: %v, %+v", err, got.Author)
	}
	// Decoding into a comment that had Notify set clears it.
	got = storage.Comment{Notify: true}
	if err := decodeComment(encodeComment(noNotify), &got); err != nil || got.Notify {
		t.Errorf("Notify false decoded over true: %v, %v", err, got.Notify)
	}
	// Records written after Notify, before Answered, end with the second
	// flags byte, its bits 1 and 2 clear: they read as not answered, and
	// Notify and Answered do not read as each other.
	beforeAnswered := full
	beforeAnswered.Answered = false
	beforeAnswered.Author.Verified, beforeAnswered.Author.Avatar = false, ""
	enc = encodeComment(withoutAvatar)
	enc = enc[:len(enc)-1]
	enc[len(enc)-1] &^= 2 | 4
	if err := decodeComment(enc, &got); err != nil || !reflect.DeepEqual(got, beforeAnswered) {
		t.Errorf("record before Answered: %v\n got %+v", err, got)
	}
	answeredOnly := storage.Comment{ID: "x", Answered: true}
	if err := decodeComment(encodeComment(answeredOnly), &got); err != nil || !reflect.DeepEqual(got, answeredOnly) {
		t.Errorf("Answered alone: %v\n got %+v", err, got)
	}
	got = storage.Comment{Answered: true}
	if err := decodeComment(encodeComment(storage.Comment{ID: "x"}), &got); err != nil || got.Answered {
		t.Errorf("Answered false decoded over true: %v, %v", err, got.Answered)
	}
	// Notify alone (no fingerprint, no reasons) is still read.
	only := storage.Comment{ID: "x", Notify: true}
	if err := decodeComment(encodeComment(only), &got); err != nil || !reflect.DeepEqual(got, only) {
		t.Errorf("Notify alone: %v\n got %+v", err, got)
	}
	enc = encodeComment(full) // its avatar is longer than two bytes
	for _, bad := range [][]byte{nil, {9}, enc[:len(enc)/2], enc[:len(enc)-2]} {
		if err := decodeComment(bad, &got); err == nil {
			t.Errorf("corrupt record %x decoded", bad)
		}
	}
	// Decoded strings must not alias the input, which is Badger's buffer.
	buf := encodeComment(full)
	var c storage.Comment
	if err := decodeComment(buf, &c); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 0
	}
	if c.HTML != full.HTML {
		t.Error("decoded comment shares memory with its input")
	}
}

func BenchmarkDecodeComment(b *testing.B) {
	c := storage.Comment{ID: "01900000-0000-7000-8000-000000000001", SiteID: "blog", PageKey: "https://blog.example/posts/hello",
		Author: storage.Author{Name: "Reader", Affiliation: "Somewhere"}, Markdown: string(make([]byte, 300)), HTML: string(make([]byte, 400)),
		Created: time.Now(), Status: storage.StatusApproved, ReaderHash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", IPHash: "0123456789abcdef0123456789abcdef"}
	js, _ := json.Marshal(c)
	bin := encodeComment(c)
	b.Run("json", func(b *testing.B) {
		for range b.N {
			var out storage.Comment
			if err := decodeComment(js, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("binary", func(b *testing.B) {
		for range b.N {
			var out storage.Comment
			if err := decodeComment(bin, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
