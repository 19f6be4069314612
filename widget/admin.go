package widget

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"

	"github.com/evanw/esbuild/pkg/api"
)

// The admin page's own assets: a small progressive-enhancement script and
// the page's style sheet. They are served by the admin page (same origin,
// strict CSP), never embedded in other sites, so they are a separate set
// from the widget's.

//go:embed admin
var adminSources embed.FS

// cssType is the Content-Type of the admin style sheet.
const cssType = "text/css; charset=utf-8"

// BuildAdmin bundles widget/admin/admin.js and minifies admin.css, served
// as /admin/assets/admin.<hash>.js and /admin/assets/admin.<hash>.css
// (immutable).
func BuildAdmin() (*Assets, error) {
	src, err := fs.Sub(adminSources, "admin")
	if err != nil {
		return nil, err
	}
	a := &Assets{byPath: map[string]Asset{}}
	code, err := bundle(src, "admin.js", nil)
	if err != nil {
		return nil, err
	}
	a.addHashed("/admin/assets/admin", code)

	css, err := fs.ReadFile(src, "admin.css")
	if err != nil {
		return nil, err
	}
	res := api.Transform(string(css), api.TransformOptions{
		Loader: api.LoaderCSS, Sourcefile: "admin.css", MinifyWhitespace: true, MinifySyntax: true,
		Charset: api.CharsetUTF8, LegalComments: api.LegalCommentsNone, LogLevel: api.LogLevelSilent,
	})
	if msgs := append(res.Errors, res.Warnings...); len(msgs) > 0 {
		return nil, buildError("admin.css", msgs)
	}
	sheet := newAsset("", res.Code, true)
	sheet.Path = fmt.Sprintf("/admin/assets/admin.%s.css", sheet.ETag[1:9])
	sheet.ContentType = cssType
	a.add(sheet)
	slices.Sort(a.paths)
	return a, nil
}
