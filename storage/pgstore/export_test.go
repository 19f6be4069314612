package pgstore

// For the external tests (package pgstore_test, which pgtest needs).
var (
	// SchemaV1 is the first migration: a database at version 1.
	SchemaV1 = migrations[0]
	// AwaitingWhere is AwaitingReply's condition, for EXPLAIN.
	AwaitingWhere = awaitingWhere
)
