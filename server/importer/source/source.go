// Package source holds what every import format's parser produces: the
// threads and comments of another comment system's export, as that system
// described them, before Parley turns them into pages and comments.
//
// A parser reads its file as a stream and hands each thread and comment to
// a Handler as soon as it has read it, so an export of any size needs
// memory for one record at a time. Threads and comments may come in any
// order; the importer links comments to their threads and parents only once
// the whole file is read.
package source

import (
	"errors"
	"time"

	"github.com/parley-dev/parley/storage"
)

// ErrFormat says that a file is not of the format its parser reads (or is
// refused as hostile: entity declarations, external entities). Parsers wrap
// it with what they found, so the message tells the user what is wrong.
var ErrFormat = errors.New("not a valid export of this format")

// MaxField is the longest text a parser keeps for one field (a message, a
// title), in bytes. A field longer than that makes the parser fail with
// ErrFormat: no real comment is that long, and a hostile file must not
// make the importer hold it.
const MaxField = 1 << 20

// Thread is one discussion (a page) of the source system.
type Thread struct {
	// ID names the thread within the file; comments refer to it.
	ID string
	// Identifier is the page id the old embed code gave (Disqus's
	// disqus_identifier), kept as the page key so pages that keep passing
	// it find their comments. Empty when the source has none.
	Identifier string
	URL        string // the page's address as the source knew it
	Title      string
	Closed     bool // no new comments
	Created    time.Time
}

// Author is who wrote a comment, as the source has it.
type Author struct {
	Name    string
	Email   string // private: stored, never shown
	Website string
	// Badge is kept from a Parley export only.
	Badge storage.Badge
	// Affiliation is kept from a Parley export only.
	Affiliation string
}

// Comment is one comment of the source system. Exactly one of Markdown and
// HTML holds its body: Markdown (or plain text) is rendered like a reader's
// comment, HTML goes through the same sanitizer.
type Comment struct {
	ID       string // unique within the file
	ThreadID string // Thread.ID of its thread
	ParentID string // ID of the comment it answers; empty at top level
	Author   Author
	// IP is the author's address, if the source kept one; the importer
	// stores only its keyed hash, never the address.
	IP       string
	Created  time.Time
	Markdown string
	HTML     string
	Status   storage.Status
	Score    int
	// Skip, when set, says why this record is not a comment to import
	// (a pingback, a trackback); the dry run reports it.
	Skip string

	// Native carries what only a Parley export has: the stored comment as
	// it was, kept whole so a round trip loses nothing. Nil for every
	// other format.
	Native *storage.Comment
}

// Handler receives a parser's records in file order. An error from either
// function stops the parse and is returned by it.
type Handler struct {
	Thread  func(Thread) error
	Comment func(Comment) error
	// Vote and Site receive a Parley export's votes and site; other
	// formats never call them, and they may be nil for those.
	Vote func(storage.Vote) error
	Site func(storage.Site) error
}
