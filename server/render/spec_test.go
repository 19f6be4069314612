package render

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/yuin/goldmark"
)

// TestBoundLeavesSpecExamplesAlone runs the bound over every example of
// the CommonMark spec, as goldmark's module ships them: none is hostile,
// so none may change by a byte.
func TestBoundLeavesSpecExamplesAlone(t *testing.T) {
	path, err := goldmarkSpec()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the CommonMark examples: %v", err)
		}
		t.Skipf("skipping: no CommonMark examples: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var examples []struct {
		Markdown string `json:"markdown"`
		Example  int    `json:"example"`
	}
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	if len(examples) < 600 {
		t.Fatalf("read %d examples from %s", len(examples), path)
	}
	for _, ex := range examples {
		if got := string(bound([]byte(ex.Markdown))); got != ex.Markdown {
			t.Errorf("example %d: bound changed %q\nto %q", ex.Example, ex.Markdown, got)
		}
	}
}

// goldmarkSpec finds the spec examples beside goldmark's source, in the
// version this test is built with (by where goldmark.New was compiled
// from: the module cache).
func goldmarkSpec() (string, error) {
	file, _ := runtime.FuncForPC(reflect.ValueOf(goldmark.New).Pointer()).FileLine(0)
	if !filepath.IsAbs(file) {
		return "", fmt.Errorf("goldmark's source is not on disk (%q)", file)
	}
	p := filepath.Join(filepath.Dir(file), "_test", "spec.json")
	_, err := os.Stat(p)
	return p, err
}
