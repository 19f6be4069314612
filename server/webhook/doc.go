// Package webhook builds and delivers a site's webhook calls: a signed JSON
// POST to the site's WebhookURL for every new, approved, edited and deleted
// comment.
//
// # Flow
//
// The code that changes a comment builds the body with Body and enqueues a
// storage.Message of kind storage.MessageWebhook (To: the site's current
// WebhookURL, Payload: the body). An outbox.Worker hands it to a Deliverer,
// which posts it and sorts the answer into success, retry and permanent
// failure.
//
// # The request
//
// The body is an Event. It carries the comment as the public sees it,
// never the author's e-mail address, reader hash or IP hash. Headers:
//
//	Content-Type:       application/json
//	User-Agent:         Parley
//	X-Parley-Event:     comment.created (the event's type)
//	X-Parley-Event-Id:  the event's id
//	X-Parley-Timestamp: Unix seconds when this attempt was sent
//	X-Parley-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the
//	                    site's signing secret>
//	Parley-Signature:   t=<Unix seconds>,v1=<hex HMAC-SHA256 of t "." body>
//
// Two signatures, one secret: X-Parley-Signature is the simple one most
// webhook receivers expect (check it with Verify); it covers the body only,
// and the body holds the event's id and time, so a receiver refuses
// replays by those. Parley-Signature is the one every outgoing request of
// Parley carries (package outbound, checked with outbound.Verify); it also
// binds the time of sending. The X-Parley-Event* and X-Parley-Timestamp
// headers repeat, unsigned, what a receiver may want before parsing.
//
// The secret is read from the site when each attempt starts, so a retry
// after the owner rotated it is signed with the new one.
//
// # Answers
//
// A 2xx answer is success. Permanent, not retried: a 3xx (redirects are not
// followed), 410 Gone and every other 4xx but 408 and 429; a site that is
// gone, has no signing secret, or whose WebhookURL is no longer the URL
// the message was queued for (the owner changed or removed it); an address
// the outbound client refuses (private or loopback). Retried: 5xx, 408,
// 429 and network errors. At most 4 KB of an answer is read.
package webhook
