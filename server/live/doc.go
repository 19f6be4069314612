// Package live carries changes to comments from the write that made them to
// whoever follows them: the server-sent event streams of open widgets and
// admin queues, and the dispatcher that turns changes into e-mails and
// webhook deliveries.
//
// Every change goes through one small publish/subscribe interface, Bus.
// Watch wraps a storage.Store so that each successful comment write
// (create, update, vote) publishes an Event, whichever handler made it:
// there is no second way to report a change. Memory is the in-process Bus
// of a single node; a shared backend (PostgreSQL LISTEN/NOTIFY) can
// implement Bus so that every node sees every node's events.
//
// Hub fans a Bus out to page and site streams and keeps the latest events
// of each busy page, so a widget that reconnects with the page version it
// last saw (Last-Event-ID) gets what it missed, or is told to reload when
// that is no longer known.
package live
