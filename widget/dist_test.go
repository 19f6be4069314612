package widget

import (
	"bytes"
	"os"
	"reflect"
	"runtime"
	"testing"
	"unsafe"

	"github.com/parley-dev/parley/widget/internal/bundle"
	"github.com/parley-dev/parley/widget/internal/manifest"
)

// TestDistIsFresh bundles and compresses src/ and admin/ as `go generate`
// does and compares the outcome with the embedded dist/, which is stale
// when someone edited the sources and did not run the generator. dist/ was
// made by another process at another time, so this also shows that the
// bundling is deterministic.
func TestDistIsFresh(t *testing.T) {
	freshIndex, freshBlob, err := bundle.Generate(sources, os.DirFS("admin"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(freshIndex, distIndex) && string(freshBlob) == distBlob {
		return
	}
	// Name what changed, as far as the manifests tell.
	fresh, err := readManifest(freshIndex)
	if err != nil {
		t.Fatal(err)
	}
	old, err := readManifest(distIndex)
	if err != nil {
		t.Fatalf("dist/ is corrupt (%v): run go generate ./widget", err)
	}
	for _, sets := range [][2]*Assets{
		{mustAssets(t, fresh.Widget, string(freshBlob)), mustAssets(t, old.Widget, distBlob)},
		{mustAssets(t, fresh.Admin, string(freshBlob)), mustAssets(t, old.Admin, distBlob)},
	} {
		want, got := sets[0], sets[1]
		for _, p := range want.Paths() {
			w, _ := want.Lookup(p)
			if g, ok := got.Lookup(p); !ok {
				t.Errorf("dist/ lacks %s", p)
			} else if !reflect.DeepEqual(w, g) {
				t.Errorf("dist/ has another %s than the sources make", p)
			}
		}
		for _, p := range got.Paths() {
			if _, ok := want.Lookup(p); !ok {
				t.Errorf("dist/ has %s, which the sources no longer make", p)
			}
		}
	}
	t.Fatal("dist/ does not match src/ and admin/: run go generate ./widget")
}

func mustAssets(t *testing.T, entries []manifest.Entry, blob string) *Assets {
	t.Helper()
	a, err := assets(entries, blob)
	if err != nil {
		t.Fatalf("dist/ is corrupt (%v): run go generate ./widget", err)
	}
	return a
}

// TestBuildCopiesNothing checks that the assets are served from the
// binary: every byte slice Build and BuildAdmin hand out is a view of the
// embedded blob, and they allocate no more than the index (path, type and
// ETag of each asset, and the maps), under 2 KiB an asset, where the three
// forms of the smallest asset are over 3 KiB.
func TestBuildCopiesNothing(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	w, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	a, err := BuildAdmin()
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	allocated, n := after.TotalAlloc-before.TotalAlloc, len(w.paths)+len(a.paths)
	t.Logf("Build and BuildAdmin allocate %d bytes in %d allocations for %d assets of %d bytes in all",
		allocated, after.Mallocs-before.Mallocs, n, len(distBlob))
	if allocated > uint64(n)*2048 {
		t.Errorf("Build and BuildAdmin allocate %d bytes for %d assets", allocated, n)
	}
	start := uintptr(unsafe.Pointer(unsafe.StringData(distBlob)))
	end := start + uintptr(len(distBlob))
	for _, set := range []*Assets{w, a} {
		for _, p := range set.Paths() {
			asset, _ := set.Lookup(p)
			for _, b := range [][]byte{asset.Body, asset.Gzip, asset.Brotli} {
				if at := uintptr(unsafe.Pointer(unsafe.SliceData(b))); at < start || at+uintptr(len(b)) > end {
					t.Errorf("%s: %d bytes copied out of the blob", p, len(b))
				}
			}
		}
	}
}
