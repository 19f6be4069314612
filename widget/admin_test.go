package widget

import (
	"regexp"
	"strings"
	"testing"
)

func TestBuildAdmin(t *testing.T) {
	a, err := BuildAdmin()
	if err != nil {
		t.Fatal(err)
	}
	paths := a.Paths()
	if len(paths) != 2 {
		t.Fatalf("paths %v", paths)
	}
	byExt := map[string]Asset{}
	for _, p := range paths {
		m := regexp.MustCompile(`^/admin/assets/admin\.[0-9a-f]{8}\.(js|css)$`).FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("path %q", p)
		}
		asset, _ := a.Lookup(p)
		if !asset.Immutable || len(asset.Body) == 0 {
			t.Errorf("%s: immutable %v, %d bytes", p, asset.Immutable, len(asset.Body))
		}
		byExt[m[1]] = asset
	}
	css, js := byExt["css"], byExt["js"]
	if css.ContentType != "text/css; charset=utf-8" || js.ContentType != "text/javascript; charset=utf-8" {
		t.Errorf("content types %q %q", css.ContentType, js.ContentType)
	}
	if strings.Contains(string(css.Body), "\n  ") || !strings.Contains(string(js.Body), "data-select-all") {
		t.Error("assets not minified or incomplete")
	}
}
