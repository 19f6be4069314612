// Package manifest is the format of widget/dist, the widget's assets as
// `go generate ./widget` bundled and compressed them: one blob (assets.bin)
// holding every distinct body followed by its gzip and brotli forms, and an
// index (manifest.json) saying, for each URL path, where in the blob its
// bytes are. The generator (widget/internal/bundle) writes it; package
// widget reads it at start-up and serves straight from the blob.
package manifest

// The files in widget/dist.
const (
	Blob  = "assets.bin"
	Index = "manifest.json"
)

// Manifest is the content of manifest.json: the widget's assets and the
// admin page's, two separate sets.
type Manifest struct {
	Widget []Entry `json:"widget"`
	Admin  []Entry `json:"admin"`
}

// Entry is one servable file. A bundle served under a stable and a hashed
// path is two entries with the same spans.
type Entry struct {
	Path        string `json:"path"`
	ContentType string `json:"type"`
	Immutable   bool   `json:"immutable"`
	ETag        string `json:"etag"` // quoted
	Body        Span   `json:"body"`
	Gzip        Span   `json:"gzip"`
	Brotli      Span   `json:"br"`
}

// Span is where some bytes are in the blob: offset and length.
type Span [2]int
