package server

import (
	"context"
	"os"
	"testing"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/pgstore"
	"github.com/parley-dev/parley/storage/pgstore/pgtest"
)

// TestMain stops the throwaway PostgreSQL server of TestHTTPOnPostgres.
func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestHTTPOnPostgres runs the API's tests again with the PostgreSQL
// store: each test's data directory gets a database of its own, which a
// restart opens again.
func TestHTTPOnPostgres(t *testing.T) {
	pgtest.Migrated(t) // skips, or fails under CI, without PostgreSQL
	dbs := map[string]string{}
	defer func(badger func(testing.TB, string) storage.Store) { storeOpener = badger }(storeOpener)
	storeOpener = func(t testing.TB, dir string) storage.Store {
		url, ok := dbs[dir]
		if !ok {
			url = pgtest.Migrated(t)
			dbs[dir] = url
		}
		st, err := pgstore.Open(context.Background(), url)
		if err != nil {
			t.Fatalf("open the PostgreSQL store: %v", err)
		}
		return st
	}
	for name, test := range map[string]func(*testing.T){
		"PostReplyAndReadBack":            TestPostReplyAndReadBack,
		"CreateValidation":                TestCreateValidation,
		"HostileInputNeverBecomesMarkup":  TestHostileInputNeverBecomesMarkup,
		"EditAndDeleteOwn":                TestEditAndDeleteOwn,
		"DeletedParentStaysAsPlaceholder": TestDeletedParentStaysAsPlaceholder,
		"ModerationModes":                 TestModerationModes,
		"LockedAndClosedPages":            TestLockedAndClosedPages,
		"DataSurvivesRestart":             TestDataSurvivesRestart,
		"ThreadSortAndPagination":         TestThreadSortAndPagination,
		"ThreadETag":                      TestThreadETag,
		"Votes":                           TestVotes,
		"Counts":                          TestCounts,
		"PinnedCommentsComeFirst":         TestPinnedCommentsComeFirst,
		"CORS":                            TestCORS,
		"Flag":                            TestFlag,
		"FlagHiddenComment":               TestFlagHiddenComment,
		"LiveStreamCarriesPublicChanges":  TestLiveStreamCarriesPublicChanges,
		"LiveStreamResumesFromAVersion":   TestLiveStreamResumesFromAVersion,
		"ReaderExportsTheirData":          TestReaderExportsTheirData,
		"ReaderErasesTheirData":           TestReaderErasesTheirData,
		"ForeignOriginIsToldWhatToDo":     TestForeignOriginIsToldWhatToDo,
		"HTMLThread":                      TestHTMLThread,
		"MagicLink":                       TestMagicLinkMakesEveryDeviceTheSameReader,
		"VerifiedReadersKeepTheirClaims":  TestVerifiedReadersKeepTheirAddressAndName,
		"PostingPolicy":                   TestPostingPolicyAndTrustedReaders,
		"MembersSignIn":                   TestMembersSignInAsOneReaderOnEveryDevice,
	} {
		t.Run(name, test)
	}
}
