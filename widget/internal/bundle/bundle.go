// Package bundle makes the widget's assets from their sources with
// esbuild's Go API: the bundles of widget/src and the admin page's script
// and style sheet. Generate adds their gzip and brotli forms and lays them
// out as widget/dist (see package manifest). It is used by the generator
// (widget/internal/gen, run by `go generate ./widget`) and by the widget's
// tests, never by the server, so esbuild is not linked into it.
package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Content types: the widget's styles and locale tables travel inside
// JavaScript bundles; only the admin page has a style sheet of its own.
const (
	jsType  = "text/javascript; charset=utf-8"
	cssType = "text/css; charset=utf-8"
)

// File is one servable file, before compression.
type File struct {
	Path        string // URL path, e.g. "/embed.js", "/widget/parley.3f9a1c2b.js"
	ContentType string
	Body        []byte // minified
	ETag        string // strong ETag from a content hash, quoted
	// Immutable is true for content-hashed paths and false for stable
	// paths like /embed.js and /count.js.
	Immutable bool
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

// Widget bundles and minifies the widget's sources (the tree of
// widget/src), sorted by path.
//
// Locale tables are bundled first, each to its own content-hashed file; the
// map from language to the hash in its file's name is then compiled into
// embed.js and count.js (esbuild define PARLEY_LOCALES) so they load a
// language only when a page needs it. So is the later bundle (later.js):
// its path is compiled into embed.js (define PARLEY_LATER), which loads it
// once the thread is shown. Any esbuild error or warning fails the build
// with esbuild's messages.
func Widget(src fs.FS) ([]File, error) {
	var files []File
	langs, err := LocaleNames(src)
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
		files = append(files, hashed("/widget/i18n/"+lang, ".js", jsType, code))
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
	later := hashed(laterHashed, ".js", jsType, code)
	files = append(files, later)
	laterPath, err := json.Marshal(strings.TrimPrefix(later.Path, "/"))
	if err != nil {
		return nil, err
	}
	define := map[string]string{"PARLEY_LOCALES": string(localeMap), "PARLEY_LATER": string(laterPath)}

	for _, e := range entries {
		code, err := bundle(src, e.source, define)
		if err != nil {
			return nil, err
		}
		files = append(files, newFile(e.stable, jsType, code, false), hashed(e.hashed, ".js", jsType, code))
	}
	return sorted(files), nil
}

// Admin bundles the admin page's script (admin.js in src, the tree of
// widget/admin) and minifies its style sheet (admin.css), served as
// /admin/assets/admin.<hash>.js and /admin/assets/admin.<hash>.css.
func Admin(src fs.FS) ([]File, error) {
	code, err := bundle(src, "admin.js", nil)
	if err != nil {
		return nil, err
	}
	css, err := fs.ReadFile(src, "admin.css")
	if err != nil {
		return nil, err
	}
	sheet, msgs := minifyCSS(string(css), "admin.css")
	if len(msgs) > 0 {
		return nil, buildError("admin.css", msgs)
	}
	return sorted([]File{
		hashed("/admin/assets/admin", ".js", jsType, code),
		hashed("/admin/assets/admin", ".css", cssType, []byte(sheet)),
	}), nil
}

// LocaleNames lists the languages that have a string table in
// src/locales/, except English, which is built into the main bundle.
func LocaleNames(src fs.FS) ([]string, error) {
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

// hashed is body as an immutable file at prefix.<hash><ext>.
func hashed(prefix, ext, contentType string, body []byte) File {
	return newFile(fmt.Sprintf("%s.%s%s", prefix, contentHash(body), ext), contentType, body, true)
}

func newFile(p, contentType string, body []byte, immutable bool) File {
	sum := sha256.Sum256(body)
	return File{
		Path:        p,
		ContentType: contentType,
		Body:        body,
		ETag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		Immutable:   immutable,
	}
}

// contentHash is the hash in the name of a content-hashed file.
func contentHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:4])
}

func sorted(files []File) []File {
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files
}
