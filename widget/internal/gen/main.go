// Command gen writes widget/dist, the widget's and the admin page's assets
// bundled and compressed from widget/src and widget/admin. It runs in the
// widget directory, by `go generate ./widget`.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/parley-dev/parley/widget/internal/bundle"
	"github.com/parley-dev/parley/widget/internal/manifest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "widget/internal/gen:", err)
		os.Exit(1)
	}
}

func run() error {
	index, blob, err := bundle.Generate(os.DirFS("src"), os.DirFS("admin"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll("dist", 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join("dist", manifest.Blob), blob, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join("dist", manifest.Index), index, 0o644)
}
