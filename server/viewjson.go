package server

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Thread answers are written by hand rather than by encoding/json, which
// was a third of a cold thread read: reflection over every field of every
// comment. The output is byte for byte what json.Marshal gives for the
// same values (TestAppendCommentViewMatchesEncodingJSON checks it over
// many random comments): the same field order and omissions, strings
// escaped the same way (HTML characters, U+2028 and U+2029 included) and
// times in RFC 3339 with nanoseconds, refused outside what RFC 3339 can
// say.

// appendCommentView appends cv as JSON.
func appendCommentView(b []byte, cv *commentView) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = appendJSONString(b, cv.ID)
	if cv.Parent != "" {
		b = append(b, `,"parent":`...)
		b = appendJSONString(b, cv.Parent)
	}
	b = append(b, `,"author":{"name":`...)
	b = appendJSONString(b, cv.Author.Name)
	if cv.Author.Affiliation != "" {
		b = append(b, `,"affiliation":`...)
		b = appendJSONString(b, cv.Author.Affiliation)
	}
	if cv.Author.Website != "" {
		b = append(b, `,"website":`...)
		b = appendJSONString(b, cv.Author.Website)
	}
	if cv.Author.Badge != "" {
		b = append(b, `,"badge":`...)
		b = appendJSONString(b, string(cv.Author.Badge))
	}
	if cv.Author.Verified {
		b = append(b, `,"verified":true`...)
	}
	if cv.Author.Avatar != "" {
		b = append(b, `,"avatar":`...)
		b = appendJSONString(b, cv.Author.Avatar)
	}
	b = append(b, `},"html":`...)
	b = appendJSONString(b, cv.HTML)
	b = append(b, `,"created":`...)
	if b, err = appendJSONTime(b, cv.Created); err != nil {
		return nil, err
	}
	if !cv.Edited.IsZero() {
		b = append(b, `,"edited":`...)
		if b, err = appendJSONTime(b, cv.Edited); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"score":`...)
	b = strconv.AppendInt(b, int64(cv.Score), 10)
	if cv.Deleted {
		b = append(b, `,"deleted":true`...)
	}
	if cv.Pinned {
		b = append(b, `,"pinned":true`...)
	}
	if cv.Mine {
		b = append(b, `,"mine":true`...)
	}
	if cv.Markdown != "" {
		b = append(b, `,"markdown":`...)
		b = appendJSONString(b, cv.Markdown)
	}
	if cv.Status != "" {
		b = append(b, `,"status":`...)
		b = appendJSONString(b, string(cv.Status))
	}
	if !cv.EditableUntil.IsZero() {
		b = append(b, `,"editable_until":`...)
		if b, err = appendJSONTime(b, cv.EditableUntil); err != nil {
			return nil, err
		}
	}
	if cv.Vote != 0 {
		b = append(b, `,"vote":`...)
		b = strconv.AppendInt(b, int64(cv.Vote), 10)
	}
	return append(b, '}'), nil
}

// appendJSONTime appends t as time.Time's MarshalJSON does, and fails
// where it fails (a year outside 0 to 9999, an offset of 24 hours or more).
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// appendAnswerHead appends the start of a thread answer, up to the
// opening of its comment list: what json.Marshal(threadAnswer) writes
// before the comments. The page and settings are small and written once
// per answer, so encoding/json does them.
func appendAnswerHead(b []byte, page pageView, set publicSettings) ([]byte, error) {
	p, err := json.Marshal(page)
	if err != nil {
		return nil, err
	}
	s, err := json.Marshal(set)
	if err != nil {
		return nil, err
	}
	b = append(b, `{"page":`...)
	b = append(b, p...)
	b = append(b, `,"settings":`...)
	b = append(b, s...)
	return append(b, `,"comments":[`...), nil
}

// appendAnswerTail closes a thread answer's comment list and appends its
// total and, when next >= 0, the cursor of the next page.
func appendAnswerTail(b []byte, total, next int) []byte {
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	if next >= 0 {
		b = append(b, `,"next_cursor":`...)
		b = appendJSONString(b, encodeCursor(next))
	}
	return append(b, '}')
}

// jsonSafe marks the bytes encoding/json writes as they are: ASCII but
// for control characters, '"', '\\', and the HTML characters '<', '>' and
// '&'. Bytes of other characters are not marked: they are decoded first.
var jsonSafe = func() (safe [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		safe[c] = true
	}
	for _, c := range `"\<>&` {
		safe[c] = false
	}
	return safe
}()

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it with HTML escaping on (its default): invalid UTF-8 becomes
// U+FFFD, and U+2028 and U+2029 are escaped for JSONP.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
