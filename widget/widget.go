package widget

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

//go:embed src
var sources embed.FS

// jsType is the Content-Type of every asset: the styles and the locale
// tables travel inside JavaScript bundles.
const jsType = "text/javascript; charset=utf-8"

// Asset is one servable file.
type Asset struct {
	Path        string // URL path, e.g. "/embed.js", "/widget/parley.3f9a1c2b.js"
	ContentType string // e.g. "text/javascript; charset=utf-8"
	Body        []byte // minified
	Gzip        []byte // gzip -9 of Body, computed once
	Brotli      []byte // brotli -11 of Body, computed once (what browsers fetch)
	ETag        string // strong ETag from a content hash, quoted
	// Immutable is true for content-hashed paths (serve with Cache-Control:
	// public, max-age=31536000, immutable) and false for stable paths like
	// /embed.js and /count.js (short cache plus ETag revalidation).
	Immutable bool
}

// Assets is the set of files Build produced, indexed by URL path. It is
// read-only after Build and safe for concurrent use; callers must not modify
// the byte slices of the Assets it hands out.
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

// entry is a bundle served under a stable URL and a content-hashed one.
type entry struct {
	source string // entry module in src/
	stable string // stable URL path
	hashed string // prefix of the content-hashed URL path
}

var entries = []entry{
	{source: "main.js", stable: "/embed.js", hashed: "/widget/parley"},
	{source: "count.js", stable: "/count.js", hashed: "/widget/count"},
}

// The later bundle (live updates, the Report dialog, the form's defences
// and Preview tab, the question before a deletion): only under a
// content-hashed URL, since only embed.js asks for it.
const (
	laterSource = "later.js"
	laterHashed = "/widget/later"
)

// Build bundles and minifies the embedded sources with esbuild's Go API.
//
// Locale tables are bundled first, each to its own content-hashed file; the
// map from language to the hash in its file's name is then compiled into
// embed.js and count.js (esbuild define PARLEY_LOCALES) so they load a
// language only when a page needs it. So is the later bundle (later.js):
// its path is compiled into embed.js (define PARLEY_LATER), which loads it
// once the thread is shown. Any esbuild error or warning fails the build
// with esbuild's messages.
func Build() (*Assets, error) {
	src, err := fs.Sub(sources, "src")
	if err != nil {
		return nil, err
	}
	return build(src)
}

func build(src fs.FS) (*Assets, error) {
	a := &Assets{byPath: map[string]Asset{}}

	langs, err := localeNames(src)
	if err != nil {
		return nil, err
	}
	hashes := map[string]string{}
	for _, lang := range langs {
		code, err := bundle(src, localePrefix+lang, nil)
		if err != nil {
			return nil, err
		}
		// Only the hash: env.js makes the path (widget/i18n/<lang>.<hash>.js),
		// which saves embed.js the bytes of seven paths.
		a.addHashed("/widget/i18n/"+lang, code)
		hashes[lang] = contentHash(code)
	}
	localeMap, err := json.Marshal(hashes)
	if err != nil {
		return nil, err
	}
	// What comes after the thread is left out of embed.js: the widget
	// loads it when a reader first needs it (esbuild define PARLEY_LATER).
	code, err := bundle(src, laterSource, nil)
	if err != nil {
		return nil, err
	}
	laterPath, err := json.Marshal(strings.TrimPrefix(a.addHashed(laterHashed, code), "/"))
	if err != nil {
		return nil, err
	}
	define := map[string]string{"PARLEY_LOCALES": string(localeMap), "PARLEY_LATER": string(laterPath)}

	for _, e := range entries {
		code, err := bundle(src, e.source, define)
		if err != nil {
			return nil, err
		}
		a.add(newAsset(e.stable, code, false))
		a.addHashed(e.hashed, code)
	}
	slices.Sort(a.paths)
	return a, nil
}

// localeNames lists the languages that have a string table in
// src/locales/, except English, which is built into the main bundle.
func localeNames(src fs.FS) ([]string, error) {
	files, err := fs.Glob(src, "locales/*.js")
	if err != nil {
		return nil, err
	}
	var langs []string
	for _, f := range files {
		lang := strings.TrimSuffix(path.Base(f), ".js")
		if lang != "en" {
			langs = append(langs, lang)
		}
	}
	return langs, nil
}

// addHashed adds code under prefix.<hash>.js as an immutable asset and
// returns that path.
func (a *Assets) addHashed(prefix string, code []byte) string {
	p := fmt.Sprintf("%s.%s.js", prefix, contentHash(code))
	a.add(newAsset(p, code, true))
	return p
}

// contentHash is the hash in the name of a content-hashed asset.
func contentHash(code []byte) string {
	sum := sha256.Sum256(code)
	return hex.EncodeToString(sum[:4])
}

func (a *Assets) add(asset Asset) {
	a.byPath[asset.Path] = asset
	a.paths = append(a.paths, asset.Path)
}

func newAsset(p string, body []byte, immutable bool) Asset {
	sum := sha256.Sum256(body)
	z := compressed(sum, body)
	return Asset{
		Path:        p,
		ContentType: jsType,
		Body:        body,
		Gzip:        z.gzip,
		Brotli:      z.brotli,
		ETag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		Immutable:   immutable,
	}
}

// packed holds the compressed forms of one body.
type packed struct{ gzip, brotli []byte }

// packedCache remembers compressed bodies by content: each bundle is served
// under a stable and a hashed path, and brotli at its best level (what
// browsers download: about 10% smaller than gzip -9) is too slow to do
// twice at every start-up.
var packedCache sync.Map // [32]byte -> packed

func compressed(sum [32]byte, body []byte) packed {
	if z, ok := packedCache.Load(sum); ok {
		return z.(packed)
	}
	var gz, br bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // the level is valid
	zw.Write(body)                                          // a bytes.Buffer does not fail
	zw.Close()
	// A 64 KiB window covers every bundle and keeps the encoder's memory
	// (megabytes at the default window) out of the server's footprint.
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 16})
	bw.Write(body)
	bw.Close()
	z := packed{gzip: gz.Bytes(), brotli: br.Bytes()}
	packedCache.Store(sum, z)
	return z
}
