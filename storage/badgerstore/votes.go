package badgerstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// SetVote records a voter's vote (-1, 0 or 1; 0 withdraws it) on a comment,
// one per voter and one per address, and returns the comment with its new
// score. Replacing a vote moves the score by the difference. A vote with
// an address hash also claims va/<site>\0<comment>\0<ipHash> for its voter,
// so another voter from that address gets ErrConflict. ErrInvalid for
// another value or an empty voter; ErrNotFound if the site has no such
// comment.
func (s *Store) SetVote(ctx context.Context, v storage.Vote) (storage.Comment, error) {
	siteID, commentID, voterHash, value := v.SiteID, v.CommentID, v.VoterHash, v.Value
	if value < -1 || value > 1 {
		return storage.Comment{}, fmt.Errorf("badgerstore: vote %d: %w", value, storage.ErrInvalid)
	}
	if voterHash == "" {
		return storage.Comment{}, fmt.Errorf("badgerstore: vote without a voter: %w", storage.ErrInvalid)
	}
	if err := checkParts(siteID, commentID, voterHash, v.IPHash); err != nil {
		return storage.Comment{}, err
	}
	pageKey, err := s.locate(ctx, siteID, commentID)
	if err != nil {
		return storage.Comment{}, err
	}
	var out storage.Comment
	err = s.updatePage(ctx, siteID, pageKey, func(txn *badger.Txn) error {
		var c storage.Comment
		if err := getComment(txn, keyComment(siteID, pageKey, commentID), &c); err != nil {
			return notFound(err, "comment %q of site %q", commentID, siteID)
		}
		var prev int
		vk := keyVote(siteID, commentID, voterHash)
		if err := getJSON(txn, vk, &prev); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if err := claimAddress(txn, v, prev); err != nil {
			return err
		}
		if prev == value {
			out = c
			return nil // nothing changes; skip the write and its fsync
		}
		rk := keyVoterPage(siteID, voterHash, pageKey, commentID)
		if value == 0 {
			if err := txn.Delete(vk); err != nil {
				return err
			}
			if err := txn.Delete(rk); err != nil {
				return err
			}
		} else {
			if err := setJSON(txn, vk, value); err != nil {
				return err
			}
			if err := setJSON(txn, rk, value); err != nil {
				return err
			}
		}
		c.Score += value - prev
		if err := setComment(txn, keyComment(siteID, pageKey, commentID), c); err != nil {
			return err
		}
		if err := touchPage(txn, siteID, pageKey, 0); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return storage.Comment{}, err
	}
	return out, nil
}

// claimAddress keeps one vote per address on a comment: the address's
// claim names the voter who holds it. A voter with no vote yet may claim a
// free address; withdrawing a vote frees the address it claimed.
func claimAddress(txn *badger.Txn, v storage.Vote, prev int) error {
	if v.IPHash == "" {
		return nil
	}
	ak := keyAddressVote(v.SiteID, v.CommentID, v.IPHash)
	holder, err := getString(txn, ak)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		holder = ""
	case err != nil:
		return err
	}
	switch {
	case holder != "" && holder != v.VoterHash:
		return fmt.Errorf("badgerstore: vote on %q: address already voted: %w", v.CommentID, storage.ErrConflict)
	case v.Value == 0 && holder != "":
		return txn.Delete(ak)
	case v.Value != 0 && holder == "" && prev == 0:
		return txn.Set(ak, []byte(v.VoterHash))
	}
	return nil
}

// Votes returns the voter's non-zero votes on one page, by comment id: one
// prefix scan of the voter-by-page index.
func (s *Store) Votes(ctx context.Context, siteID, pageKey, voterHash string) (map[string]int, error) {
	if err := checkParts(siteID, pageKey, voterHash); err != nil {
		return nil, err
	}
	votes := map[string]int{}
	prefix := prefixVoterPage(siteID, voterHash, pageKey)
	err := s.scan(ctx, prefix, func(k, v []byte) error {
		var value int
		if err := json.Unmarshal(v, &value); err != nil {
			return err
		}
		votes[string(k[len(prefix):])] = value
		return nil
	})
	if err != nil {
		return nil, err
	}
	return votes, nil
}
