package storage

import "context"

// PortStore is the part of Store behind imports, exports and a reader's
// removal of their data.
type PortStore interface {
	// ImportComments stores imported comments of one page in one
	// transaction, keeping their ids, dates, statuses and scores. It
	// creates the page from page (URL, title, locked flag, created time)
	// when it is new and leaves an existing page's metadata alone. A
	// comment whose id the site already has is skipped, so importing the
	// same comments again adds nothing; created counts the others. Each
	// parent must be a comment of the page, stored before or earlier in
	// comments (ErrParentNotFound). votes are stored as they are, without
	// moving scores (the comments carry theirs); a vote the store already
	// has is skipped. ErrNotFound if the site does not exist; ErrInvalid
	// for a comment or vote of another page, or a comment CreateComment
	// would refuse.
	ImportComments(ctx context.Context, page Page, comments []Comment, votes []Vote) (created int, err error)
	// PurgeComments removes comments of one page for good, with their
	// votes, flags and index entries, keeping the page count right, and
	// removes the page when none of its comments is left. It undoes a
	// failed import; missing ids are skipped.
	PurgeComments(ctx context.Context, siteID, pageKey string, ids []string) error
	// SiteVotes calls fn with every vote on the site's comments, in
	// comment id order. An error from fn stops the walk and is returned.
	SiteVotes(ctx context.Context, siteID string, fn func(Vote) error) error
	// ReaderVotes returns a voter's votes on the site's comments, with
	// their address hashes.
	ReaderVotes(ctx context.Context, siteID, voterHash string) ([]Vote, error)
}
