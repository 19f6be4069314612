package render

import (
	"bytes"

	"github.com/yuin/goldmark/util"
)

// urlState follows goldmark's Linkify through one block. Linkify looks for
// "www." or "http://" after a space, after "*_~(" and after every inline
// node, and runs a pattern allowing up to 256 domain characters. A URL
// that matches is consumed (and may hide brackets in its path); one that
// does not costs a read of up to 256 bytes, so "_www." repeated makes
// goldmark read every byte some fifty times. Past the budget, the first
// punctuation in such a failing domain is escaped: the domain ends there,
// and the text renders the same.
type urlState struct {
	work   int
	urlEnd int // end of the last URL found
	// [runFrom, runTo) are domain characters, and the run ends at runTo
	// if ended is set; the scan never reads a byte twice.
	runFrom, runTo int
	ended          bool
	dots           []int32 // for each index, the next ".x" with x in a-z, or -1
}

func (u *urlState) reset() { *u = urlState{dots: u.dots[:0]} }

// pathChars are the characters Linkify's pattern allows in a URL after
// the scheme: a superset of domainChars.
var pathChars = func() (t [256]bool) {
	t = domainChars
	for _, c := range []byte("$!?&/=();,'\">^{}[]`") {
		t[c] = true
	}
	return t
}()

// domainChars are the characters Linkify's pattern allows in a domain.
var domainChars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isLetter(byte(c)) || c >= '0' && c <= '9'
	}
	for _, c := range []byte("-@:%._+~#=") {
		t[c] = true
	}
	return t
}()

// at handles text index i, at 'h' or 'w', and returns the end of a URL
// Linkify may make of it there (at most: the pattern's characters run to
// there), or i.
func (u *urlState) at(s *inlineScanner, i int) int {
	t := s.text
	var p int
	switch rest := t[i:]; {
	case bytes.HasPrefix(rest, []byte("www.")):
		p = i + 4
	case bytes.HasPrefix(rest, []byte("http://")):
		p = i + 7
	case bytes.HasPrefix(rest, []byte("https://")):
		p = i + 8
	default:
		return i
	}
	if i < u.urlEnd {
		return u.urlEnd // inside the URL found before: goldmark took it whole
	}
	// Linkify runs after white space, after "(" and "~", and after any
	// inline node: a delimiter run, code span, link, autolink or tag.
	if i > 0 {
		switch c := t[i-1]; {
		case util.IsSpace(c), c == '*', c == '_', c == '~', c == '(', c == '`', c == '>', c == ')', c == ']':
		default:
			return i
		}
	}
	if p < u.runFrom || p >= u.runTo {
		u.runFrom, u.runTo, u.ended = p, p, false
	}
	for !u.ended && u.runTo < min(len(t), p+258) {
		if domainChars[t[u.runTo]] {
			u.runTo++
		} else {
			u.ended = true
		}
	}
	u.ended = u.ended || u.runTo == len(t)
	read := min(u.runTo, p+258) - p // what goldmark's pattern reads
	if !u.matches(t, p, p+read) {
		u.work += 8 * read
		if u.work > s.limit {
			for k := p; k < p+read; k++ {
				if util.IsPunct(t[k]) {
					s.escape(k)
					u.runTo, u.ended = k, true
					break
				}
			}
		}
		return i
	}
	u.urlEnd = p
	for u.urlEnd < len(t) && pathChars[t[u.urlEnd]] {
		u.urlEnd++
	}
	return u.urlEnd
}

// matches reports whether the domain in t[p:end] has what Linkify's
// pattern needs: a dot and a letter after at least one character.
func (u *urlState) matches(t []byte, p, end int) bool {
	if len(u.dots) == 0 {
		u.dots = append(u.dots, make([]int32, len(t)+1)...)
		next := int32(-1)
		u.dots[len(t)] = next
		for k := len(t) - 1; k >= 0; k-- {
			if t[k] == '.' && k+1 < len(t) && t[k+1] >= 'a' && t[k+1] <= 'z' {
				next = int32(k)
			}
			u.dots[k] = next
		}
	}
	if p+1 > len(t) {
		return false
	}
	k := int(u.dots[p+1])
	return k >= 0 && k+1 < end
}
