package render

import (
	"strings"
)

// A shape is a kind of body that once made the Markdown parser spend time
// super-linear in its length. The benchmarks render each at a fixed size,
// the tests check that each comes out bounded with its text kept, and the
// fuzzer starts from them.
type shape struct {
	name string
	gen  func(n int) string // a body of exactly n bytes
}

// proseWords is the vocabulary of the plain-prose baseline.
var proseWords = strings.Fields(`the a comment reader thread page post
	reply and of to in that it is was for on with as this but by from at
	they we you have not are be or one all would there their what so up out
	if about who get which go me when make can like time no just him know
	take people into year your good some could them see other than then now
	look only come its over think also back after use two how our work first
	well way even new want because any these give day most us`)

// prose is plain text in paragraphs of about 500 characters: what every
// other shape is compared with.
func prose(n int) string {
	var b strings.Builder
	for i, para := 0, 0; b.Len() < n; i++ {
		w := proseWords[(i*7+i/13)%len(proseWords)]
		b.WriteString(w)
		para += len(w) + 1
		switch {
		case para > 500:
			b.WriteString(".\n\n")
			para = 0
		case i%11 == 10:
			b.WriteString(". ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()[:n]
}

// repeatTo repeats unit until the result is exactly n bytes long.
func repeatTo(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

func repeated(unit string) func(int) string {
	return func(n int) string { return repeatTo(unit, n) }
}

// grow concatenates piece(0), piece(1), ... and cuts at n bytes.
func grow(piece func(i int) string) func(int) string {
	return func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			b.WriteString(piece(i))
		}
		return b.String()[:n]
	}
}

// thirds fills a third of the body with each unit in turn.
func thirds(a, b, c string) func(int) string {
	return func(n int) string {
		return repeatTo(a, n/3) + repeatTo(b, n/3) + repeatTo(c, n-2*(n/3))
	}
}

// hostileShapes lists the structures that made goldmark super-linear before
// the bounding stage, plus a few dense but linear ones for comparison. The
// first entry is the baseline.
var hostileShapes = []shape{
	{"prose", prose},
	{"lines", repeated("a\n")},
	{"quotes", repeated(">")},
	{"quotes spaced", repeated("> ")},
	{"quote then list", repeated("> - ")},
	{"dashes", func(n int) string { return repeatTo("- ", n-1) + "x" }},
	{"ordered", repeated("1. ")},
	{"mixed markers", repeated("* + - ")},
	{"indented lists", grow(func(i int) string { return strings.Repeat("  ", i) + "- x\n" })},
	{"open brackets", repeated("[")},
	{"nested brackets", func(n int) string { return repeatTo("[", n/2) + repeatTo("]", n-n/2) }},
	{"open images", repeated("![")},
	{"link openers", repeated("[a](")},
	{"angle destinations", repeated("[a](<")},
	{"open titles", repeated("[a](b \"\n")},
	{"label lines", repeated("[a]\n")},
	{"labels then lines", func(n int) string { return repeatTo("[a]", n/2) + repeatTo("x\n", n-n/2) }},
	{"reference definitions", repeated("[a]: b\n")},
	{"emphasis mixed", repeated("*a_")},
	{"emphasis tilde", repeated("~a*")},
	{"emphasis closers", thirds("*a ", "_a ", "a* ")},
	{"tilde run", func(n int) string { return "a" + strings.Repeat("~", n-1) }},
	{"escaped backticks", repeated("\\```a")},
	{"growing backticks", grow(func(i int) string { return strings.Repeat("`", i+1) + "a" })},
	{"angle brackets", repeated("<a ")},
	{"autolink starts", repeated("<http:")},
	{"entities", repeated("&#")},
	{"backslashes", repeated("\\")},
	{"setext lines", repeated("a\n=\n")},
	// Found by measuring and fuzzing once the shapes above were bounded.
	{"failing domains", repeated("_www.")},
	{"domain runs", repeated("+www.")},
	{"tags before links", repeated("<b>[](")},
	{"links with markup", repeated(`[a](https://e.com/?q="><script>)`)},
}
