package badgerstore

import (
	"fmt"
	"strings"

	"github.com/parley-dev/parley/storage"
)

// sep separates the variable parts of a key. Site ids, page keys, comment ids
// and hashes never contain it (checkPart enforces that), so a prefix ending in
// sep can never match a longer id that merely starts with the same bytes:
// the prefix of page "a" is "c/site\x00a\x00", which "c/site\x00ab\x00..."
// does not share.
const sep = "\x00"

// Fixed keys.
var (
	keySchema = []byte("meta/schema")
)

func keySite(site string) []byte { return []byte("s/" + site) }

// prefixSites covers every site record; keys sort by site id.
var prefixSites = []byte("s/")

func keyPage(site, page string) []byte { return []byte("p/" + site + sep + page) }

func keyComment(site, page, id string) []byte {
	return []byte("c/" + site + sep + page + sep + id)
}

func prefixComments(site, page string) []byte { return []byte("c/" + site + sep + page + sep) }

func keyLocator(site, id string) []byte { return []byte("i/" + site + sep + id) }

func keyStatus(site string, st storage.Status, id string) []byte {
	return []byte("q/" + site + sep + string(st) + sep + id)
}

func prefixStatus(site string, st storage.Status) []byte {
	return []byte("q/" + site + sep + string(st) + sep)
}

func keyReader(site, reader, id string) []byte {
	return []byte("r/" + site + sep + reader + sep + id)
}

func prefixReader(site, reader string) []byte { return []byte("r/" + site + sep + reader + sep) }

func keyFingerprint(site, fp, id string) []byte {
	return []byte("fp/" + site + sep + fp + sep + id)
}

func prefixFingerprint(site, fp string) []byte { return []byte("fp/" + site + sep + fp + sep) }

// keyAwaiting is the entry of a comment that awaits a staff reply
// (storage.Comment.AwaitsReply); its value is the page key.
func keyAwaiting(site, id string) []byte { return []byte("w/" + site + sep + id) }

func prefixAwaiting(site string) []byte { return []byte("w/" + site + sep) }

func keyAddressVote(site, id, ipHash string) []byte {
	return []byte("va/" + site + sep + id + sep + ipHash)
}

func keyVote(site, id, voter string) []byte { return []byte("v/" + site + sep + id + sep + voter) }

func keyVoterPage(site, voter, page, id string) []byte {
	return []byte("rv/" + site + sep + voter + sep + page + sep + id)
}

func prefixVoterPage(site, voter, page string) []byte {
	return []byte("rv/" + site + sep + voter + sep + page + sep)
}

func keySecret(name string) []byte { return []byte("meta/secret/" + name) }

// checkParts refuses identifiers that would corrupt the key layout. The
// server validates ids long before they reach storage; this is the last line
// of defence, so a bad id can never read or overwrite another record.
func checkParts(parts ...string) error {
	for _, p := range parts {
		if strings.Contains(p, sep) {
			return fmt.Errorf("badgerstore: identifier %q contains a NUL byte: %w", p, storage.ErrInvalid)
		}
	}
	return nil
}
