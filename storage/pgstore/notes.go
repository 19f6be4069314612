package pgstore

import (
	"context"
)

// notesChannel is the NOTIFY channel the nodes of one database share.
const notesChannel = "parley_events"

// Notes carries small notes between the nodes on one database with
// PostgreSQL's LISTEN/NOTIFY: the transport of server/live's Shared bus
// (it has live.Transport's methods). A note is delivered to every
// listening node, the sender's too, in the order the notifications
// committed; a node that is not listening misses it.
type Notes struct{ s *Store }

// Notes returns the store's note channel.
func (s *Store) Notes() *Notes { return &Notes{s: s} }

// Send notifies every listening node of payload (at most 7,999 bytes of
// text).
func (n *Notes) Send(ctx context.Context, payload []byte) error {
	_, err := n.s.pool.Exec(ctx, "SELECT pg_notify($1, $2)", notesChannel, string(payload))
	return err
}

// Listen holds one connection of the pool, listening, and calls deliver
// with every note until ctx ends or the connection fails. It calls gap
// once it listens: notes sent before that were missed.
func (n *Notes) Listen(ctx context.Context, deliver func([]byte), gap func()) error {
	conn, err := n.s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+notesChannel); err != nil {
		conn.Conn().Close(ctx) // do not give a listening connection back
		return err
	}
	gap()
	for {
		note, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			// The connection is in LISTEN state or broken: close it
			// rather than return it to the pool.
			conn.Conn().Close(context.Background())
			return err
		}
		deliver([]byte(note.Payload))
	}
}
