package badgerstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// ImportComments stores imported comments of one page in one page write;
// see storage.PortStore. Comments whose id the site has are skipped, so a
// re-import adds nothing.
func (s *Store) ImportComments(ctx context.Context, page storage.Page, comments []storage.Comment, votes []storage.Vote) (int, error) {
	if err := checkImport(page, comments, votes); err != nil {
		return 0, err
	}
	var created int
	err := s.updatePage(ctx, page.SiteID, page.Key, func(txn *badger.Txn) error {
		created = 0
		if _, err := txn.Get(keySite(page.SiteID)); err != nil {
			return notFound(err, "site %q", page.SiteID)
		}
		var p storage.Page
		err := getJSON(txn, keyPage(page.SiteID, page.Key), &p)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
			p = storage.Page{SiteID: page.SiteID, Key: page.Key, URL: page.URL, Title: page.Title,
				Locked: page.Locked, Created: page.Created}
			if p.Created.IsZero() && len(comments) > 0 {
				p.Created = comments[0].Created
			}
		case err != nil:
			return err
		}
		// Parents may be earlier in this batch: the transaction reads its
		// own writes, so the locator check below finds them.
		for _, c := range comments {
			added, err := importComment(txn, c)
			if err != nil {
				return err
			}
			if added {
				created++
				p.Count += approved(c.Status)
			}
		}
		for _, v := range votes {
			if err := importVote(txn, page.Key, v); err != nil {
				return err
			}
		}
		p.Version++
		return setJSON(txn, keyPage(page.SiteID, page.Key), p)
	})
	return created, err
}

// checkImport applies the data-model rules to a batch before its
// transaction starts.
func checkImport(page storage.Page, comments []storage.Comment, votes []storage.Vote) error {
	if page.SiteID == "" || page.Key == "" {
		return fmt.Errorf("badgerstore: import needs a site and a page key: %w", storage.ErrInvalid)
	}
	if err := checkParts(page.SiteID, page.Key); err != nil {
		return err
	}
	for _, c := range comments {
		if err := checkNewComment(c, page); err != nil {
			return err
		}
	}
	for _, v := range votes {
		if v.SiteID != page.SiteID || v.VoterHash == "" || v.Value < -1 || v.Value > 1 || v.Value == 0 {
			return fmt.Errorf("badgerstore: imported vote on %q: %w", v.CommentID, storage.ErrInvalid)
		}
		if err := checkParts(v.CommentID, v.VoterHash, v.IPHash); err != nil {
			return err
		}
	}
	return nil
}

// importComment stages c unless the site has its id; it reports whether
// it did.
func importComment(txn *badger.Txn, c storage.Comment) (bool, error) {
	taken, err := exists(txn, keyLocator(c.SiteID, c.ID))
	if err != nil || taken {
		return false, err
	}
	if c.ParentID != "" {
		parentPage, err := getString(txn, keyLocator(c.SiteID, c.ParentID))
		if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return false, err
		}
		if err != nil || parentPage != c.PageKey {
			return false, fmt.Errorf("badgerstore: comment %q: parent %q: %w", c.ID, c.ParentID, storage.ErrParentNotFound)
		}
	}
	if err := setComment(txn, keyComment(c.SiteID, c.PageKey, c.ID), c); err != nil {
		return false, err
	}
	return true, setIndexes(txn, c)
}

// importVote stages v, a vote on a comment of page, unless the store has
// it.
func importVote(txn *badger.Txn, page string, v storage.Vote) error {
	commentPage, err := getString(txn, keyLocator(v.SiteID, v.CommentID))
	if err != nil || commentPage != page {
		return fmt.Errorf("badgerstore: imported vote on %q: not a comment of page %q: %w", v.CommentID, page, storage.ErrInvalid)
	}
	vk := keyVote(v.SiteID, v.CommentID, v.VoterHash)
	if taken, err := exists(txn, vk); err != nil || taken {
		return err
	}
	if v.IPHash != "" {
		ak := keyAddressVote(v.SiteID, v.CommentID, v.IPHash)
		if taken, err := exists(txn, ak); err != nil || taken {
			return err // the address voted already: keep the first vote
		}
		if err := txn.Set(ak, []byte(v.VoterHash)); err != nil {
			return err
		}
	}
	if err := setJSON(txn, vk, v.Value); err != nil {
		return err
	}
	return setJSON(txn, keyVoterPage(v.SiteID, v.VoterHash, page, v.CommentID), v.Value)
}

// PurgeComments removes comments of one page for good; see
// storage.PortStore.
func (s *Store) PurgeComments(ctx context.Context, siteID, pageKey string, ids []string) error {
	if err := checkParts(append([]string{siteID, pageKey}, ids...)...); err != nil {
		return err
	}
	return s.updatePage(ctx, siteID, pageKey, func(txn *badger.Txn) error {
		var p storage.Page
		if err := getJSON(txn, keyPage(siteID, pageKey), &p); err != nil {
			if errors.Is(err, badger.ErrKeyNotFound) {
				return nil
			}
			return err
		}
		for _, id := range ids {
			var c storage.Comment
			err := getComment(txn, keyComment(siteID, pageKey, id), &c)
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := purgeComment(txn, c); err != nil {
				return err
			}
			p.Count -= approved(c.Status)
		}
		if !hasKeys(txn, prefixComments(siteID, pageKey)) {
			return txn.Delete(keyPage(siteID, pageKey))
		}
		p.Version++
		return setJSON(txn, keyPage(siteID, pageKey), p)
	})
}

// purgeComment stages the removal of c with its index entries, votes and
// flags.
func purgeComment(txn *badger.Txn, c storage.Comment) error {
	keys := [][]byte{
		keyComment(c.SiteID, c.PageKey, c.ID), keyLocator(c.SiteID, c.ID),
		keyStatus(c.SiteID, c.Status, c.ID), keyAwaiting(c.SiteID, c.ID),
	}
	if c.Fingerprint != "" {
		keys = append(keys, keyFingerprint(c.SiteID, c.Fingerprint, c.ID))
	}
	if c.ReaderHash != "" {
		keys = append(keys, keyReader(c.SiteID, c.ReaderHash, c.ID))
	}
	votes := prefixSite("v/", c.SiteID+sep+c.ID)
	eachKey(txn, votes, func(k []byte) {
		keys = append(keys, keyVoterPage(c.SiteID, string(k[len(votes):]), c.PageKey, c.ID))
	})
	for _, prefix := range [][]byte{votes, prefixSite("va/", c.SiteID+sep+c.ID), prefixFlags(c.SiteID, c.ID)} {
		eachKey(txn, prefix, func(k []byte) { keys = append(keys, k) })
	}
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// eachKey calls fn with a copy of every key under prefix.
func eachKey(txn *badger.Txn, prefix []byte, fn func(k []byte)) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	for it.Seek(prefix); it.Valid(); it.Next() {
		fn(it.Item().KeyCopy(nil))
	}
}

// hasKeys reports whether any key starts with prefix.
func hasKeys(txn *badger.Txn, prefix []byte) bool {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	it.Seek(prefix)
	return it.Valid()
}

// SiteVotes calls fn with every vote of the site, in comment id order,
// with the address hash each vote holds; see storage.PortStore.
func (s *Store) SiteVotes(ctx context.Context, siteID string, fn func(storage.Vote) error) error {
	if err := checkParts(siteID); err != nil {
		return err
	}
	prefix := prefixSite("v/", siteID)
	return s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		var addresses map[string]string // the current comment's voter -> address
		var current string
		for it.Seek(prefix); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			rest := it.Item().Key()[len(prefix):]
			i := bytes.IndexByte(rest, sep[0])
			if i < 0 {
				continue
			}
			comment, voter := string(rest[:i]), string(rest[i+1:])
			if comment != current {
				current = comment
				var err error
				if addresses, err = voteAddresses(txn, siteID, comment); err != nil {
					return err
				}
			}
			v := storage.Vote{SiteID: siteID, CommentID: comment, VoterHash: voter, IPHash: addresses[voter]}
			if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &v.Value) }); err != nil {
				return err
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// voteAddresses maps the voters of a comment to the address each claimed.
func voteAddresses(txn *badger.Txn, siteID, commentID string) (map[string]string, error) {
	prefix := prefixSite("va/", siteID+sep+commentID)
	out := map[string]string{}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.Valid(); it.Next() {
		ip := string(it.Item().Key()[len(prefix):])
		err := it.Item().Value(func(b []byte) error { out[string(b)] = ip; return nil })
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReaderVotes returns a voter's votes on the site; see storage.PortStore.
func (s *Store) ReaderVotes(ctx context.Context, siteID, voterHash string) ([]storage.Vote, error) {
	if err := checkParts(siteID, voterHash); err != nil {
		return nil, err
	}
	prefix := prefixSite("rv/", siteID+sep+voterHash)
	var out []storage.Vote
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Seek(prefix); it.Valid(); it.Next() {
			rest := it.Item().Key()[len(prefix):]
			i := bytes.LastIndexByte(rest, sep[0])
			if i < 0 {
				continue
			}
			v := storage.Vote{SiteID: siteID, CommentID: string(rest[i+1:]), VoterHash: voterHash}
			if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &v.Value) }); err != nil {
				return err
			}
			addresses, err := voteAddresses(txn, siteID, v.CommentID)
			if err != nil {
				return err
			}
			v.IPHash = addresses[voterHash]
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
