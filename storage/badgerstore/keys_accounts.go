package badgerstore

import "github.com/parley-dev/parley/storage"

// Keys of the admin side (see doc.go for the whole layout).

func keyUser(name string) []byte { return []byte("u/" + name) }

var prefixUsers = []byte("u/")

func keySession(hash string) []byte { return []byte("sess/" + hash) }

func keyBan(site string, k storage.BanKind, value string) []byte {
	return []byte("b/" + site + sep + string(k) + sep + value)
}

func keyFlag(site, comment, reader string) []byte {
	return []byte("f/" + site + sep + comment + sep + reader)
}

func prefixFlags(site, comment string) []byte { return []byte("f/" + site + sep + comment + sep) }

func keyAudit(site, id string) []byte { return []byte("a/" + site + sep + id) }

// prefixSite is the prefix of every record of one site under a per-site
// type prefix such as "c/".
func prefixSite(kind, site string) []byte { return []byte(kind + site + sep) }

// siteKinds are the type prefixes whose keys start with a site id; DeleteSite
// removes them all. A new per-site record type must be added here. The
// outbox log (ol/) is not among them: DeleteSite reads it first to find the
// site's messages, whose records and queues are keyed by message id alone
// (deleteSiteMessages).
var siteKinds = []string{"p/", "c/", "i/", "q/", "r/", "fp/", "v/", "va/", "rv/", "b/", "f/", "a/", "sub/", "w/"}
