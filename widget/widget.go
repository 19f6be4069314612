package widget

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"unsafe"

	"github.com/parley-dev/parley/widget/internal/manifest"
)

//go:generate go run ./internal/gen

// The assets as `go generate` made them (see package manifest). The blob
// is a string so that it stays in the binary's read-only data: assets are
// views of it, and no byte of it is copied onto the heap.
var (
	//go:embed dist/manifest.json
	distIndex []byte
	//go:embed dist/assets.bin
	distBlob string
)

// Asset is one servable file.
type Asset struct {
	Path        string // URL path, e.g. "/embed.js", "/widget/parley.3f9a1c2b.js"
	ContentType string // e.g. "text/javascript; charset=utf-8"
	Body        []byte // minified
	Gzip        []byte // gzip -9 of Body
	Brotli      []byte // brotli -11 of Body (what browsers fetch)
	ETag        string // strong ETag from a content hash, quoted
	// Immutable is true for content-hashed paths (serve with Cache-Control:
	// public, max-age=31536000, immutable) and false for stable paths like
	// /embed.js and /count.js (short cache plus ETag revalidation).
	Immutable bool
}

// Assets is a set of servable files, indexed by URL path. It is read-only
// and safe for concurrent use; callers must not modify the byte slices of
// the Assets it hands out, which are read-only memory.
type Assets struct {
	byPath map[string]Asset
	paths  []string
}

// Lookup returns the asset served at the URL path p.
func (a *Assets) Lookup(p string) (Asset, bool) {
	asset, ok := a.byPath[p]
	return asset, ok
}

// Paths lists every URL path, sorted.
func (a *Assets) Paths() []string {
	return slices.Clone(a.paths)
}

// Build returns the widget's assets: embed.js, count.js, their
// content-hashed twins, the locale bundles and the later bundle (see the
// package doc), bundled and compressed from src/ by `go generate`. It
// fails only if the generated files are corrupt.
func Build() (*Assets, error) {
	m, err := readManifest(distIndex)
	if err != nil {
		return nil, err
	}
	return assets(m.Widget, distBlob)
}

// BuildAdmin returns the admin page's assets: its script and style sheet,
// bundled and minified from admin/ by `go generate` and served as
// /admin/assets/admin.<hash>.js and /admin/assets/admin.<hash>.css
// (immutable). They are served by the admin page (same origin, strict
// CSP), never embedded in other sites, so they are a set apart from the
// widget's.
func BuildAdmin() (*Assets, error) {
	m, err := readManifest(distIndex)
	if err != nil {
		return nil, err
	}
	return assets(m.Admin, distBlob)
}

func readManifest(index []byte) (manifest.Manifest, error) {
	var m manifest.Manifest
	if err := json.Unmarshal(index, &m); err != nil {
		return m, fmt.Errorf("widget: reading dist/%s: %w", manifest.Index, err)
	}
	return m, nil
}

// assets makes the entries into Assets whose bytes are views of blob.
func assets(entries []manifest.Entry, blob string) (*Assets, error) {
	a := &Assets{byPath: make(map[string]Asset, len(entries))}
	data := unsafe.Slice(unsafe.StringData(blob), len(blob))
	view := func(s manifest.Span) ([]byte, error) {
		off, n := s[0], s[1]
		if off < 0 || n < 0 || off > len(data)-n {
			return nil, fmt.Errorf("widget: span %v outside dist/%s (%d bytes)", s, manifest.Blob, len(data))
		}
		// Capacity ends with the asset, so that an append copies.
		return data[off : off+n : off+n], nil
	}
	for _, e := range entries {
		body, err := view(e.Body)
		if err != nil {
			return nil, err
		}
		gz, err := view(e.Gzip)
		if err != nil {
			return nil, err
		}
		br, err := view(e.Brotli)
		if err != nil {
			return nil, err
		}
		a.byPath[e.Path] = Asset{Path: e.Path, ContentType: e.ContentType, Body: body, Gzip: gz, Brotli: br,
			ETag: e.ETag, Immutable: e.Immutable}
		a.paths = append(a.paths, e.Path)
	}
	slices.Sort(a.paths)
	return a, nil
}
