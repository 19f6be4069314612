// Package outbox drains the outbox: every e-mail and webhook call Parley
// sends is first stored as a storage.Message (storage.OutboxStore.Enqueue)
// and then delivered by a Worker, so an outage of the mail server or of a
// receiver loses nothing.
//
// # Delivery
//
// A Worker claims due messages in batches, holding each for Config.Lease,
// and hands every message of a batch at once to the Deliverer of its kind,
// each under its own Config.Timeout. The lease outlasts the timeout, so no
// other worker, on this node or another, claims a message while an attempt
// on it runs. The outcome is stored with FinishAttempt:
//
//   - nil: the message is sent (Done is now, LastError "").
//   - an error marked with Permanent, or any error once GiveUpAfter has
//     passed since the message was created: it is failed (Done is now).
//   - any other error: it stays pending, due again after Backoff(attempts).
//   - a kind without a Deliverer: failed with LastError "no deliverer", so
//     a missing configuration shows in the delivery log instead of piling
//     up messages nobody will send.
//
// Delivery is at least once: a receiver that took a message but whose answer
// was lost sees it again. Message ids let receivers drop repeats.
//
// # Errors
//
// Deliverers decide what is worth retrying and say "do not retry" by
// wrapping the error with Permanent; the worker looks for nothing else. A
// deliverer with its own notion of a permanent error (the mail package's
// IsPermanent) wraps it: outbox.Permanent(err). The error's text is stored
// as LastError, which the site owner reads in the delivery log, and is
// logged: deliverers write it without recipients, payloads or secrets. The
// worker clips it to MaxErrorLen.
//
// # Shutdown
//
// Run returns promptly when its context ends. Attempts in flight are
// cancelled through their context; one that still succeeds is recorded as
// sent, one that fails for the cancellation is not recorded at all: its
// lease simply expires, and the next worker to run tries it again. Its
// Attempts do not grow for a shutdown.
package outbox
