package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Namespaces of the esbuild plugin: modules read from the src tree, and
// the generated entry module of each locale bundle.
const (
	nsSource = "parley"
	nsLocale = "parley-locale"

	// localePrefix marks a locale entry point: "locale:de".
	localePrefix = "locale:"
)

// bundle runs one esbuild build of entry (a path in src, or localePrefix
// plus a language) and returns the minified IIFE.
func bundle(src fs.FS, entry string, define map[string]string) ([]byte, error) {
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{entry},
		Bundle:            true,
		Write:             false,
		Format:            api.FormatIIFE,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		Define:            define,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{sourcePlugin(src)},
	})
	// Warnings fail too: the sources are ours, so a warning is a bug that
	// the tests should have caught.
	if msgs := append(res.Errors, res.Warnings...); len(msgs) > 0 {
		return nil, buildError(entry, msgs)
	}
	if len(res.OutputFiles) != 1 {
		return nil, fmt.Errorf("widget: bundling %s: %d output files, want 1", entry, len(res.OutputFiles))
	}
	return res.OutputFiles[0].Contents, nil
}

// sourcePlugin resolves and loads every module from src, so that esbuild
// reads nothing else. Only relative imports exist: there are no packages.
func sourcePlugin(src fs.FS) api.Plugin {
	return api.Plugin{
		Name: "parley-embed",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: ".*"}, resolve)
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsSource}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
				return load(src, args.Path)
			})
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsLocale}, loadLocaleEntry)
		},
	}
}

func resolve(args api.OnResolveArgs) (api.OnResolveResult, error) {
	if args.Kind == api.ResolveEntryPoint {
		if lang, ok := strings.CutPrefix(args.Path, localePrefix); ok {
			return api.OnResolveResult{Path: lang, Namespace: nsLocale}, nil
		}
		return api.OnResolveResult{Path: path.Clean(args.Path), Namespace: nsSource}, nil
	}
	if !strings.HasPrefix(args.Path, "./") && !strings.HasPrefix(args.Path, "../") {
		return api.OnResolveResult{}, fmt.Errorf("cannot import %q: only relative imports of src/ files are supported", args.Path)
	}
	dir := "." // the generated locale entries live at the root of src
	if args.Namespace == nsSource {
		dir = path.Dir(args.Importer)
	}
	p := path.Join(dir, args.Path)
	if p == ".." || strings.HasPrefix(p, "../") {
		return api.OnResolveResult{}, fmt.Errorf("cannot import %q: outside src/", args.Path)
	}
	return api.OnResolveResult{Path: p, Namespace: nsSource}, nil
}

// load reads a module. Style sheets are minified here and imported by the
// widget as a string, which it adopts into its shadow root.
func load(src fs.FS, p string) (api.OnLoadResult, error) {
	data, err := fs.ReadFile(src, p)
	if err != nil {
		return api.OnLoadResult{}, err
	}
	code := string(data)
	switch path.Ext(p) {
	case ".js":
		return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS}, nil
	case ".css":
		css, msgs := minifyCSS(code, p)
		if len(msgs) > 0 {
			return api.OnLoadResult{Errors: msgs}, nil
		}
		css = strings.TrimSpace(css)
		return api.OnLoadResult{Contents: &css, Loader: api.LoaderText}, nil
	}
	return api.OnLoadResult{}, fmt.Errorf("cannot load %s: unknown file type", p)
}

// minifyCSS minifies a style sheet. As with the bundles, a warning about
// our own CSS is a bug: it comes back with the errors.
func minifyCSS(code, file string) (string, []api.Message) {
	res := api.Transform(code, api.TransformOptions{
		Loader:           api.LoaderCSS,
		Sourcefile:       file,
		MinifyWhitespace: true,
		MinifySyntax:     true,
		Charset:          api.CharsetUTF8,
		LegalComments:    api.LegalCommentsNone,
		LogLevel:         api.LogLevelSilent,
	})
	return string(res.Code), append(res.Errors, res.Warnings...)
}

// loadLocaleEntry generates the entry module of a locale bundle: it
// registers the language's string table on the global that the widget and
// count.js read (see src/register.js).
func loadLocaleEntry(args api.OnLoadArgs) (api.OnLoadResult, error) {
	code := fmt.Sprintf("import table from %s;\nimport { register } from \"./register.js\";\nregister(%s, table);\n",
		strconv.Quote("./locales/"+args.Path+".js"), strconv.Quote(args.Path))
	return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS}, nil
}

// buildError turns esbuild's messages into one error, each message as
// "file:line:col: text".
func buildError(entry string, msgs []api.Message) error {
	errs := make([]error, 0, len(msgs))
	for _, m := range msgs {
		text := m.Text
		if l := m.Location; l != nil {
			text = fmt.Sprintf("%s:%d:%d: %s", l.File, l.Line, l.Column+1, text)
		}
		errs = append(errs, errors.New(text))
	}
	return fmt.Errorf("widget: bundling %s: %w", entry, errors.Join(errs...))
}
