// Package ratelimit is the state behind Parley's rate limits: every public
// write (posting, editing, voting, flagging, previewing, counts) and the
// admin sign-in are limited per client address and per reader token through
// the one Limiter interface.
//
// # Algorithm
//
// Limits follow the generic cell rate algorithm (GCRA): a key keeps a single
// timestamp, its theoretical arrival time (TAT), the moment its allowance
// would be full again; each event pushes the TAT on by Period/Limit, and an
// event is allowed while that leaves the TAT no more than one Period ahead of
// now. This is a token bucket of Limit tokens refilled continuously, kept
// without timers or counters, and a key whose TAT has passed is the same as
// a key never seen, so it can be forgotten.
//
// # Memory
//
// Memory keeps the state of one node in shards holding at most maxKeys keys
// in all, whatever the number of keys clients invent (about 110 bytes a key
// of 40 bytes). A shard that is full first drops the keys whose allowance is
// full again (sweeping at most once per an eighth of its size in evictions,
// so that a flood cannot make every insertion scan the shard), then evicts,
// among 8 keys sampled uniformly at random, the one closest to a full
// allowance. What is lost is therefore the least restrictive state: a key
// is evicted only if the 7 keys sampled with it are spent at least as much.
// A flood of fresh keys, each spending fewer events than a limited key has,
// cannot push out the keys being limited: if a fraction p of a shard is
// spent at least as much as a given key, an eviction removes one of those
// keys with a chance of at most p^8 (1 in 65,536 for a quarter). To push a
// key out, an attacker must spend, per key he mints, as much as it has.
//
// # Several nodes
//
// A per-node Memory is exact for one node only. N nodes behind a load
// balancer, each with its own Memory, allow a client up to N × Limit events
// per Period (and N × Limit at once); a round-robin balancer hands the whole
// of that to anyone. Dividing Limit by N instead starves clients pinned to
// one node. A multi-node deployment should therefore back Limiter with the
// shared store (a PostgreSQL row per key holding the TAT, updated in one
// statement or a row-locked transaction, expired rows deleted in bulk), so
// every node reads and spends the same allowance.
package ratelimit
