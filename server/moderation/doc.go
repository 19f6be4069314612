// Package moderation is the one pipeline every reader write passes before
// it is stored: new comments, edits, votes and flags. It is an ordered list
// of checks; each reads its settings from the site and answers accept,
// hold (the write is stored, pending, with a reason code a moderator sees)
// or refuse (a *Refusal: nothing is stored, and the reader is told why).
//
// The order, and which writes each check sees:
//
//	ban        create edit vote flag  refuse: a ban on the reader token, address or e-mail
//	open       create edit vote       refuse: the page is locked or closed by age
//	rate       create edit vote flag  refuse: per address and per reader, per site
//	(render)   create edit            the body is rendered (Write.Render) only now
//	name       create                 refuse: a name confusable with the site's staff
//	form       create                 hold: honeypot filled, sent too fast, no form token
//	links      create edit            hold: more links than the site allows
//	duplicate  create                 refuse on the same page, hold elsewhere
//	words      create edit            refuse: blocked word; hold: suspect word
//	external   create edit            the owner's own service: accept, hold or refuse
//	mode       create edit            hold: the site's moderation mode
//
// The checks before the body is rendered cost a point read or a little
// arithmetic each, so a flood that is refused costs no Markdown rendering.
// Holding never loses a write: a held comment is stored pending and lands
// in the moderation queue with its reasons. An edit that trips a rule, and
// any edit on a site that holds every comment, goes back to the queue.
//
// Links and suspect words are rules a reader can act on, so before holding
// for them the pipeline refuses once with code "would_hold" and the
// reasons (unless the write says the reader confirmed), and the widget
// offers to edit or send anyway. The external check runs only after that,
// so a nudged draft costs the owner's service nothing.
//
// Words are matched on the normalized text of the rendered comment
// (textnorm.Fold: NFKC, case folded, invisible characters removed,
// lookalike letters mapped), plus the name, affiliation and website, so
// markup, entities and soft hyphens do not hide them.
//
// Rate-limit state sits behind ratelimit.Limiter; the form check's tokens
// are signed and stateless, so any node can check any token.
package moderation
