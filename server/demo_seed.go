package server

import (
	"time"

	"github.com/parley-dev/parley/storage"
)

// demoComment is one line of the seeded demo discussion.
type demoComment struct {
	ref, replyTo string
	after        time.Duration // after the post was published
	author       storage.Author
	body         string
}

const day = 24 * time.Hour

var (
	elena = storage.Author{Name: "Elena Marsh", Affiliation: "Writes this blog", Badge: storage.BadgeOwner}
	maya  = storage.Author{Name: "Maya Okafor", Affiliation: "Head baker, Northside Bakery", Website: "https://example.com/northside"}
	tomas = storage.Author{Name: "Tomás Ruiz", Affiliation: "Food chemist"}
	priya = storage.Author{Name: "Priya Natarajan", Affiliation: "Home baker since 2019"}
	anon  = storage.Author{}
)

// demoScript is the seeded discussion: readers with affiliations, long
// comments, the author answering each one, an anonymous reader, and a
// comment that arrives weeks after the post.
var demoScript = []demoComment{
	{ref: "maya", after: 3 * time.Hour, author: maya, body: `Lovely write-up. The part about giving up on a fixed schedule rang true: in the bakery we stopped timing bulk fermentation years ago and started *watching the dough* instead.

Two things that helped our new bakers most:

1. Mark the side of the container with tape when you start bulk, so "doubled" stops being a guess.
2. Keep the dough temperature around 24–26 °C. Every degree below that adds real time.

Your crumb photos look like you were close to the end of bulk, so I would not change much.`},
	{ref: "elena-maya", replyTo: "maya", after: 5 * time.Hour, author: elena, body: `Thank you, Maya! The tape trick is so simple that I'm a little embarrassed I never thought of it.

My kitchen sits at about 20 °C in winter, which probably explains the twelve-hour bulk I complained about.`},
	{ref: "tomas", after: 26 * time.Hour, author: tomas, body: `A small note on the chemistry, since the post wonders why the loaf got more sour in the fridge.

Cold slows the yeast far more than it slows the bacteria, so during a long cold retard the bacteria keep producing **acetic** and **lactic** acid while the yeast barely raises the dough. More time in the cold means more acid relative to rise, hence the tang.

If you want a milder loaf, shorten the retard or keep the starter younger when you build the levain.`},
	{ref: "elena-tomas", replyTo: "tomas", after: 30 * time.Hour, author: elena, body: "That explains it perfectly — and it gives me a knob to turn. I'll try a 12-hour retard next week instead of the full 36 and report back."},
	{ref: "maya-tomas", replyTo: "elena-tomas", after: 31 * time.Hour, author: maya, body: "Seconding Tomás. We retard about 14 hours for exactly that reason: customers like *some* tang, not a lot."},
	{ref: "anon", after: 3 * day, author: anon, body: "Can I use whole wheat flour for the whole thing, or does it need to be mixed with white?"},
	{ref: "elena-anon", replyTo: "anon", after: 3*day + 4*time.Hour, author: elena, body: `You can, but expect a denser loaf. Whole wheat drinks more water, so raise the hydration by 5–10 % and expect bulk to go faster.

I'd start with 30 % whole wheat and work up from there.`},
	{ref: "priya", after: 34 * day, author: priya, body: `Coming back to this post a month later to say thank you. I followed the "watch the dough, not the clock" advice and my last three loaves were the best I've made.

One thing I'd add for other beginners: write down the room temperature every time. After a few bakes the pattern is obvious.`},
	{ref: "elena-priya", replyTo: "priya", after: 35 * day, author: elena, body: "This made my week, Priya. A bread diary is a wonderful idea — I may steal it for a follow-up post."},
}
