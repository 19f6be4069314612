package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Comment bodies for seeding and posting: Markdown of realistic length and
// shape (a few paragraphs, some emphasis, the odd link, list or code span),
// so rendering and sanitizing cost what they cost for real comments.

var words = strings.Fields(`the a of to and in that is was for on it with as be at by this had not are
but from or have an they which one you were her all she there would their we him been has when who
will more no if out so said what up its about into than them can only other new some could time these
two may then do first any my now such like our over man me even most made after also did many before
must through back years where much your way well down should because each just those people how too
little state good very make world still own see men work long get here between both life being under
never day same another know while last might us great old year off come since against go came right
used take three bread dough starter oven crumb crust flour water salt yeast proof loaf bake kitchen
recipe hydration temperature fermentation levain retard tang whole wheat rye morning evening`)

var names = []string{"Ada", "Bruno", "Chen Wei", "Dana", "Emeka", "Freya", "Gustavo", "Hana", "Ilse", "Jonas",
	"Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tove", ""}

var affiliations = []string{"", "", "", "Home baker", "Food chemist", "Reads every post", "Bakery owner", ""}

// sentence returns n random words, capitalized, with a full stop.
func sentence(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		w := words[r.IntN(len(words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		switch r.IntN(40) {
		case 0:
			w = "*" + w + "*"
		case 1:
			w = "**" + w + "**"
		case 2:
			w = "`" + w + "`"
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

// markdownBody returns a comment body of one to four paragraphs (roughly
// 60 to 1,500 characters); tag makes it unique, so no duplicate rule
// could ever catch two of them.
func markdownBody(r *rand.Rand, tag string) string {
	var b strings.Builder
	paras := 1 + r.IntN(4)
	for p := range paras {
		if p > 0 {
			b.WriteString("\n\n")
		}
		switch r.IntN(12) {
		case 0:
			for i := range 2 + r.IntN(3) {
				fmt.Fprintf(&b, "%d. %s\n", i+1, sentence(r, 4+r.IntN(8)))
			}
			continue
		case 1:
			fmt.Fprintf(&b, "> %s\n\n", sentence(r, 6+r.IntN(10)))
		case 2:
			fmt.Fprintf(&b, "See [this write-up](https://example.com/notes/%d) for more. ", r.IntN(1000))
		}
		for s := range 1 + r.IntN(4) {
			if s > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(sentence(r, 5+r.IntN(14)))
		}
	}
	b.WriteString(" (")
	b.WriteString(tag)
	b.WriteString(")")
	return b.String()
}

// author returns a random reader's name and affiliation.
func author(r *rand.Rand) authorInput {
	return authorInput{Name: names[r.IntN(len(names))], Affiliation: affiliations[r.IntN(len(affiliations))]}
}
