package browsertest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// axe-core is fetched from the npm registry at test time, checked against
// its published integrity, and cached; it is not part of the repository.
const (
	axeVersion   = "4.14.1"
	axeTarball   = "https://registry.npmjs.org/axe-core/-/axe-core-" + axeVersion + ".tgz"
	axeIntegrity = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)

var axe struct {
	once sync.Once
	src  string
	err  error
}

// axeSource returns axe.min.js, or skips the test when it cannot be had
// (fails it under CI, where the registry must be reachable).
func axeSource(t testing.TB) string {
	t.Helper()
	axe.once.Do(func() { axe.src, axe.err = loadAxe() })
	if axe.err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core %s: %v", axeVersion, axe.err)
		}
		t.Skipf("skipping the axe-core check: %v", axe.err)
	}
	return axe.src
}

// loadAxe reads the cached tarball or downloads it, verifies it, and
// extracts package/axe.min.js. The tarball is verified on every read, so a
// damaged or altered cache is fetched again.
func loadAxe() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	cached := filepath.Join(dir, "parley-test", "axe-core-"+axeVersion+".tgz")
	tgz, err := os.ReadFile(cached)
	if err != nil || verifyIntegrity(tgz) != nil {
		if tgz, err = download(axeTarball); err != nil {
			return "", err
		}
		if err := verifyIntegrity(tgz); err != nil {
			return "", err
		}
		if err := writeAtomic(cached, tgz); err != nil {
			return "", fmt.Errorf("cache %s: %w", cached, err)
		}
	}
	return extract(tgz, "package/axe.min.js")
}

func download(url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", url, res.Status)
	}
	return io.ReadAll(io.LimitReader(res.Body, 32<<20))
}

// verifyIntegrity checks data against axeIntegrity (a Subresource
// Integrity string, as package-lock.json records it).
func verifyIntegrity(data []byte) error {
	sum := sha512.Sum512(data)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != axeIntegrity {
		return fmt.Errorf("axe-core tarball integrity %s, want %s", got, axeIntegrity)
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".axe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// extract returns one file of a gzipped tarball.
func extract(tgz []byte, name string) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("no %s in the axe-core tarball", name)
		}
		if err != nil {
			return "", err
		}
		if h.Name == name {
			b, err := io.ReadAll(io.LimitReader(tr, 16<<20))
			return string(b), err
		}
	}
}
