package server

import (
	"context"
	"io"
	"net/netip"

	"github.com/parley-dev/parley/server/clientip"
	"github.com/parley-dev/parley/server/importer"
	"github.com/parley-dev/parley/server/importer/native"
)

// Import runs an import (see package importer) through the server's
// store, so readers of the imported pages see them change at once. The
// comments' addresses are hashed as readers' are.
func (s *Server) Import(ctx context.Context, r io.Reader, opts importer.Options) (importer.Report, error) {
	opts.HashIP = AddrHasher(s.ipKey)
	return importer.Run(ctx, s.store, r, opts)
}

// Export writes a site's Parley export (see package native) to w.
func (s *Server) Export(ctx context.Context, w io.Writer, siteID string) error {
	return native.Write(ctx, w, s.store, siteID, s.cfg.Now())
}

// AddrHasher returns the hash imports give a source's address under the
// instance's ip-hash key, the one bans and rate limits match; an address
// that does not parse gives "".
func AddrHasher(key []byte) func(string) string {
	return func(addr string) string {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return ""
		}
		return clientip.Hash(key, a)
	}
}
