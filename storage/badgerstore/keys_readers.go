package badgerstore

// Keys of verified readers and pending e-mail verifications (see doc.go for
// the whole layout). A reader's record is keyed by hash; the address and
// the name key it holds each have an index entry whose value is the hash,
// which is also what keeps two readers of a site from holding the same one.

func keyReaderRecord(site, hash string) []byte { return []byte("rd/" + site + sep + hash) }

func keyReaderEmail(site, email string) []byte { return []byte("re/" + site + sep + email) }

func keyReaderName(site, nameKey string) []byte { return []byte("rn/" + site + sep + nameKey) }

func keyVerification(site, codeHash string) []byte { return []byte("vc/" + site + sep + codeHash) }

// readerKinds are the type prefixes above, all per site: DeleteSite removes
// them with siteKinds.
var readerKinds = []string{"rd/", "re/", "rn/", "vc/"}
