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
// one per voter, and returns the comment with its new score. Replacing a
// vote moves the score by the difference. ErrInvalid for another value or
// an empty voter; ErrNotFound if the site has no such comment.
func (s *Store) SetVote(ctx context.Context, siteID, commentID, voterHash string, value int) (storage.Comment, error) {
	if value < -1 || value > 1 {
		return storage.Comment{}, fmt.Errorf("badgerstore: vote %d: %w", value, storage.ErrInvalid)
	}
	if voterHash == "" {
		return storage.Comment{}, fmt.Errorf("badgerstore: vote without a voter: %w", storage.ErrInvalid)
	}
	if err := checkParts(siteID, commentID, voterHash); err != nil {
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
