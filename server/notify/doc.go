// Package notify turns changes to comments into messages: reply e-mails to
// readers who asked for them (after double opt-in), e-mails to a site's
// staff about new comments, and webhook deliveries. It subscribes to the
// live Bus and queues every message in the store's outbox, where the
// outbox worker sends it; it sends nothing itself.
//
// Messages get ids derived from the event and the recipient, so a second
// node that sees the same event (a shared Bus), or the same approval
// twice, queues nothing new.
//
// Links in messages carry signed tokens (Tokens) and open pages whose
// button makes the change: a mail scanner that follows every link changes
// nothing.
package notify
