package widget

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/parley-dev/parley/widget/internal/bundle"
)

// languages the widget must speak besides English.
var languages = []string{"de", "fr", "es", "pt", "ru", "zh", "ja"}

// sources is the widget's source tree, which `go generate` bundles (tests
// run in the package's directory, as the generator does).
var sources = os.DirFS("src")

func mustBuild(t *testing.T) *Assets {
	t.Helper()
	a, err := Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return a
}

func TestBuildPaths(t *testing.T) {
	a := mustBuild(t)
	want := []string{`^/embed\.js$`, `^/count\.js$`, `^/widget/parley\.[0-9a-f]{8}\.js$`, `^/widget/count\.[0-9a-f]{8}\.js$`, `^/widget/later\.[0-9a-f]{8}\.js$`}
	for _, lang := range languages {
		want = append(want, `^/widget/i18n/`+lang+`\.[0-9a-f]{8}\.js$`)
	}
	paths := a.Paths()
	if len(paths) != len(want) {
		t.Errorf("got %d paths %v, want %d", len(paths), paths, len(want))
	}
	for _, pattern := range want {
		re := regexp.MustCompile(pattern)
		n := 0
		for _, p := range paths {
			if re.MatchString(p) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d paths match %s, want 1 (paths: %v)", n, pattern, paths)
		}
	}
}

func TestAssets(t *testing.T) {
	a := mustBuild(t)
	for _, p := range a.Paths() {
		t.Run(p, func(t *testing.T) {
			asset, ok := a.Lookup(p)
			if !ok {
				t.Fatal("listed but not found")
			}
			if asset.Path != p {
				t.Errorf("Path = %q", asset.Path)
			}
			if asset.ContentType != "text/javascript; charset=utf-8" {
				t.Errorf("ContentType = %q", asset.ContentType)
			}
			if len(asset.Body) == 0 {
				t.Error("empty body")
			}
			if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(asset.ETag) {
				t.Errorf("ETag = %s, want a quoted strong hash", asset.ETag)
			}
			hashed := strings.HasPrefix(p, "/widget/")
			if asset.Immutable != hashed {
				t.Errorf("Immutable = %v, want %v", asset.Immutable, hashed)
			}
			zr, err := gzip.NewReader(bytes.NewReader(asset.Gzip))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(plain, asset.Body) {
				t.Errorf("Gzip does not decompress to Body (err %v)", err)
			}
		})
	}
}

func TestStableAndHashedMatch(t *testing.T) {
	a := mustBuild(t)
	for stable, prefix := range map[string]string{"/embed.js": "/widget/parley.", "/count.js": "/widget/count."} {
		s, ok := a.Lookup(stable)
		if !ok {
			t.Fatalf("no %s", stable)
		}
		if s.Immutable {
			t.Errorf("%s is Immutable; it must revalidate", stable)
		}
		for _, p := range a.Paths() {
			if strings.HasPrefix(p, prefix) {
				h, _ := a.Lookup(p)
				if !bytes.Equal(h.Body, s.Body) || h.ETag != s.ETag {
					t.Errorf("%s and %s differ", stable, p)
				}
			}
		}
	}
}

func TestETagsDiffer(t *testing.T) {
	a := mustBuild(t)
	seen := map[string]string{}
	for _, p := range a.Paths() {
		asset, _ := a.Lookup(p)
		if other, dup := seen[asset.ETag]; dup && !bytes.Equal(mustLookup(t, a, other).Body, asset.Body) {
			t.Errorf("%s and %s share ETag %s with different bodies", p, other, asset.ETag)
		}
		seen[asset.ETag] = p
	}
	embed, count := mustLookup(t, a, "/embed.js"), mustLookup(t, a, "/count.js")
	if embed.ETag == count.ETag {
		t.Error("embed.js and count.js have the same ETag")
	}

	// Change one source file: the widget's ETag and hashed path change.
	changed := sourceFS(t)
	f := changed["time.js"]
	f.Data = append(f.Data, []byte("\nconsole.log('changed');\n")...)
	files, err := bundle.Widget(changed)
	if err != nil {
		t.Fatal(err)
	}
	b := map[string]bundle.File{}
	for _, f := range files {
		b[f.Path] = f
	}
	if b["/embed.js"].ETag == embed.ETag {
		t.Error("ETag of /embed.js did not change with its content")
	}
	for _, p := range a.Paths() {
		if _, kept := b[p]; kept && strings.HasPrefix(p, "/widget/parley.") {
			t.Errorf("%s is still a path after a change of the widget", p)
		}
	}
	if b["/count.js"].ETag != count.ETag {
		t.Error("ETag of /count.js changed though its content did not")
	}
}

func TestLookupMiss(t *testing.T) {
	a := mustBuild(t)
	for _, p := range []string{"", "/", "/embed.js.map", "/widget/parley.js", "/widget/i18n/xx.00000000.js", "embed.js"} {
		if _, ok := a.Lookup(p); ok {
			t.Errorf("Lookup(%q) found something", p)
		}
	}
}

func TestBundlesParse(t *testing.T) {
	a := mustBuild(t)
	for _, p := range a.Paths() {
		res := api.Transform(string(mustLookup(t, a, p).Body), api.TransformOptions{Loader: api.LoaderJS, Target: api.ES2020})
		if len(res.Errors) > 0 || len(res.Warnings) > 0 {
			t.Errorf("%s: %v %v", p, res.Errors, res.Warnings)
		}
	}
}

func TestLocaleMapInBundles(t *testing.T) {
	a := mustBuild(t)
	embed, count := mustLookup(t, a, "/embed.js"), mustLookup(t, a, "/count.js")
	for _, p := range a.Paths() {
		if !strings.HasPrefix(p, "/widget/i18n/") {
			continue
		}
		// The map holds the hash of each language's file (env.js makes its
		// path): {de:"1a2b3c4d",...}.
		lang, hash, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(p, "/widget/i18n/"), ".js"), ".")
		entry := []byte(lang + `:"` + hash + `"`)
		if !bytes.Contains(embed.Body, entry) || !bytes.Contains(count.Body, entry) {
			t.Errorf("%s is not in the locale map of embed.js and count.js", p)
		}
		locale := mustLookup(t, a, p)
		if !bytes.Contains(locale.Body, []byte("__parleyI18n")) {
			t.Errorf("%s does not register itself", p)
		}
	}
}

// TestLaterBundle checks that what comes after the thread (the Report
// dialog, the form's defences, "Your data") is a bundle of its own: out of embed.js,
// which knows its path, and registering itself on its global.
func TestLaterBundle(t *testing.T) {
	a := mustBuild(t)
	embed := mustLookup(t, a, "/embed.js")
	var flag string
	for _, p := range a.Paths() {
		if strings.HasPrefix(p, "/widget/later.") {
			flag = p
		}
	}
	if flag == "" {
		t.Fatalf("no later bundle in %v", a.Paths())
	}
	if !bytes.Contains(embed.Body, []byte(`"`+strings.TrimPrefix(flag, "/")+`"`)) {
		t.Errorf("embed.js does not know the path of %s", flag)
	}
	body := mustLookup(t, a, flag).Body
	if !bytes.Contains(body, []byte("__parleyLater")) {
		t.Errorf("%s does not register itself", flag)
	}
	// Its strings and code travel with it, not in embed.js; and it carries
	// no more of English than its own strings.
	for _, s := range []string{"Why report this comment?", "already_flagged", "Send anyway", "honeypot", "Delete this comment?",
		"Your comment was deleted.", "Download my comments", "createObjectURL"} {
		if bytes.Contains(embed.Body, []byte(s)) {
			t.Errorf("embed.js contains %q, which belongs to %s", s, flag)
		}
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("%s lacks %q", flag, s)
		}
	}
	if bytes.Contains(body, []byte("Loading comments")) {
		t.Errorf("%s carries the main English table", flag)
	}
}

// TestWritingComesLater checks that what a reader needs only to write,
// vote or report (the calls that write, sending the form, "Posting as",
// avatars, remembered reports) is in the later bundle, not in embed.js;
// and that embed.js does keep the room for the avatars and the form's
// "Posting as" place, so nothing moves when the later bundle comes.
func TestWritingComesLater(t *testing.T) {
	a := mustBuild(t)
	embed := mustLookup(t, a, "/embed.js").Body
	var later []byte
	for _, p := range a.Paths() {
		if strings.HasPrefix(p, "/widget/later.") {
			later = mustLookup(t, a, p).Body
		}
	}
	for _, s := range []string{"confirm_hold", "/vote", "/flag", "parley.reported.", "parley-av", "parley-staff", "Sending…"} {
		if bytes.Contains(embed, []byte(s)) {
			t.Errorf("embed.js contains %q, which belongs to the later bundle", s)
		}
	}
	for _, s := range []string{"confirm_hold", "/vote", "/flag", "parley.reported.", "parley-av", "parley-staff", "Sending…", "type:\"radio\""} {
		if !bytes.Contains(later, []byte(s)) {
			t.Errorf("the later bundle lacks %q", s)
		}
	}
	for _, s := range []string{"padding:.5em 0 .5em 2.75em", "parley-as", "Posting as {name}", "origin_not_allowed", "prefers-color-scheme: dark"} {
		if !bytes.Contains(embed, []byte(s)) {
			t.Errorf("embed.js lacks %q", s)
		}
	}
}

func TestBuildErrorsCarryEsbuildMessages(t *testing.T) {
	for name, change := range map[string]func(fstest.MapFS){
		"syntax": func(m fstest.MapFS) { m["time.js"].Data = []byte("export const x = ;\n") },
		"import": func(m fstest.MapFS) { m["time.js"].Data = []byte("import 'left-pad';\n") },
		"css":    func(m fstest.MapFS) { m["widget.css"].Data = []byte(".a { color: red;\n") },
	} {
		t.Run(name, func(t *testing.T) {
			m := sourceFS(t)
			change(m)
			_, err := bundle.Widget(m)
			if err == nil {
				t.Fatal("build succeeded")
			}
			if !strings.Contains(err.Error(), "widget: bundling") {
				t.Errorf("error %q does not say what failed", err)
			}
			t.Log(err)
		})
	}
}

func mustLookup(t *testing.T, a *Assets, p string) Asset {
	t.Helper()
	asset, ok := a.Lookup(p)
	if !ok {
		t.Fatalf("no asset %s", p)
	}
	return asset
}

// sourceFS copies the sources into a MapFS that a test can change.
func sourceFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sources, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
