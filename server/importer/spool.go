package importer

import (
	"encoding/json"
	"os"

	"github.com/parley-dev/parley/storage"
)

// spool keeps converted comments in a temporary file between the parse
// and the write, so an export of any size costs memory only for its index.
type spool struct {
	f   *os.File
	end int64
}

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "parley-import-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // gone with the last descriptor, whatever happens
	return &spool{f: f}, nil
}

// put appends c and returns where it is.
func (s *spool) put(c storage.Comment) (at int64, n int32, err error) {
	b, err := json.Marshal(c)
	if err != nil {
		return 0, 0, err
	}
	if _, err := s.f.WriteAt(b, s.end); err != nil {
		return 0, 0, err
	}
	at = s.end
	s.end += int64(len(b))
	return at, int32(len(b)), nil
}

// get reads back the comment put at at.
func (s *spool) get(at int64, n int32) (storage.Comment, error) {
	b := make([]byte, n)
	var c storage.Comment
	if _, err := s.f.ReadAt(b, at); err != nil {
		return c, err
	}
	return c, json.Unmarshal(b, &c)
}

func (s *spool) close() error { return s.f.Close() }
