package native

import (
	"errors"
	"strings"
	"testing"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/importer/source/sourcetest"
	"github.com/parley-dev/parley/storage"
)

const sample = `{"parley_export":1,"site":"blog","exported":"2026-01-02T03:04:05Z"}
{"type":"site","site":{"id":"blog","name":"Blog","owner_id":"ann","origins":null,"settings":{"moderation":"none"},"created":"2025-01-01T00:00:00Z"}}
{"type":"page","page":{"key":"p","url":"https://blog.example/p","title":"P","locked":true,"created":"2025-01-01T00:00:00Z"}}
{"type":"comment","comment":{"id":"01900000-0000-7000-8000-000000000001","site_id":"blog","page_key":"p","author":{"name":"A"},"markdown":"hi","html":"<p>hi</p>","created":"2025-01-01T00:00:00Z","status":"approved","score":1}}
{"type":"vote","vote":{"comment_id":"01900000-0000-7000-8000-000000000001","voter_hash":"v","value":1}}
`

// collect parses data and returns what it handed on.
func collect(data string) (threads []source.Thread, comments []source.Comment, votes []storage.Vote, sites []storage.Site, err error) {
	var rs sourcetest.Records
	err = Parse(strings.NewReader(data), rs.Handler())
	return rs.Threads, rs.Comments, rs.Votes, rs.Sites, err
}

func TestParse(t *testing.T) {
	threads, comments, votes, sites, err := collect(sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 1 || sites[0].Name != "Blog" {
		t.Errorf("sites %+v", sites)
	}
	if len(threads) != 1 || threads[0].Identifier != "p" || !threads[0].Closed || threads[0].Title != "P" {
		t.Errorf("threads %+v", threads)
	}
	if len(comments) != 1 || comments[0].Native == nil || comments[0].ThreadID != "p" || comments[0].Native.Markdown != "hi" {
		t.Errorf("comments %+v", comments)
	}
	if len(votes) != 1 || votes[0].VoterHash != "v" || votes[0].Value != 1 {
		t.Errorf("votes %+v", votes)
	}
}

func TestParseRefuses(t *testing.T) {
	for name, data := range map[string]string{
		"empty":          "",
		"not json":       "<disqus/>",
		"no header":      `{"type":"page","page":{"key":"p"}}`,
		"newer version":  `{"parley_export":2}`,
		"unknown record": sample + `{"type":"bogus"}` + "\n",
		"broken record":  sample + `{"type":"comment","comment":{` + "\n",
		"endless line":   sample + strings.Repeat("x", maxLine+1),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, _, _, err := collect(data); !errors.Is(err, source.ErrFormat) {
				t.Errorf("error %v, want ErrFormat", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add(`{"parley_export":1}` + "\n" + `{"type":"comment","comment":{"id":"x","status":"spam"}}`)
	f.Fuzz(func(t *testing.T, data string) {
		boom := errors.New("handler")
		err := Parse(strings.NewReader(data), source.Handler{
			Thread:  func(source.Thread) error { return nil },
			Comment: func(c source.Comment) error { return nil },
			Vote:    func(storage.Vote) error { return boom },
			Site:    func(storage.Site) error { return nil },
		})
		sourcetest.CheckError(t, err, boom)
	})
}
