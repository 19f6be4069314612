package pgstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

const userColumns = `name, password_hash, admin, roles, created, display_name, known_clients, email, notify_sites`

func scanUser(row pgx.Row) (storage.User, error) {
	var u storage.User
	var roles []byte
	err := row.Scan(&u.Name, &u.PasswordHash, &u.Admin, &roles, at(&u.Created), &u.DisplayName, &u.KnownClients, &u.Email, &u.NotifySites)
	if err != nil {
		return u, err
	}
	return u, json.Unmarshal(roles, &u.Roles)
}

// userArgs are u's values for userColumns; roles are a JSON object (null
// for a nil map).
func userArgs(u storage.User) ([]any, error) {
	roles, err := json.Marshal(u.Roles)
	if err != nil {
		return nil, err
	}
	return []any{u.Name, u.PasswordHash, u.Admin, roles, ts(u.Created), u.DisplayName, u.KnownClients, u.Email, u.NotifySites}, nil
}

// CreateUser stores a new user. A zero Created is set to now. ErrInvalid
// for an empty name, ErrConflict if the name is taken.
func (s *Store) CreateUser(ctx context.Context, u storage.User) error {
	if u.Name == "" {
		return errorf(storage.ErrInvalid, "user without a name")
	}
	if u.Created.IsZero() {
		u.Created = time.Now().UTC()
	}
	args, err := userArgs(u)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, args...)
	return wrap(err, "user %q", u.Name)
}

// User returns a user by name. ErrNotFound if there is none.
func (s *Store) User(ctx context.Context, name string) (storage.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	return u, noRows(err, "user %q", name)
}

// UpdateUser reads a user with its row locked, lets fn change it and stores
// the result in one transaction. fn may not change the name (ErrInvalid);
// if it returns an error nothing is written and that error is returned.
// ErrNotFound if there is no such user.
func (s *Store) UpdateUser(ctx context.Context, name string, fn func(*storage.User) error) (storage.User, error) {
	var out storage.User
	err := s.tx(ctx, func(tx pgx.Tx) error {
		u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1 FOR UPDATE`, name))
		if err != nil {
			return noRows(err, "user %q", name)
		}
		if err := fn(&u); err != nil {
			return err
		}
		if u.Name != name {
			return errorf(storage.ErrInvalid, "user %q: the name cannot change", name)
		}
		args, err := userArgs(u)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE users SET password_hash = $2, admin = $3, roles = $4, created = $5,
				display_name = $6, known_clients = $7, email = $8, notify_sites = $9
			WHERE name = $1`, args...)
		out = u
		return err
	})
	if err != nil {
		return storage.User{}, err
	}
	return out, nil
}

// Users lists every user ordered by name.
func (s *Store) Users(ctx context.Context) ([]storage.User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	return collect(rows, scanUser)
}

// CreateSession stores a session, replacing one with the same token hash,
// and deletes the sessions that expired by this machine's clock.
// ErrInvalid for an empty token hash or an expiry in the past.
func (s *Store) CreateSession(ctx context.Context, sess storage.Session) error {
	now := time.Now()
	if sess.TokenHash == "" || !sess.Expires.After(now) {
		return errorf(storage.ErrInvalid, "session needs a token hash and an expiry in the future")
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires < $1`, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO sessions (token_hash, user_name, csrf, created, expires) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (token_hash) DO UPDATE
			SET user_name = excluded.user_name, csrf = excluded.csrf, created = excluded.created, expires = excluded.expires`,
			sess.TokenHash, sess.UserName, sess.CSRF, ts(sess.Created), sess.Expires)
		return wrap(err, "session")
	})
}

// Session returns the session with this token hash. ErrNotFound if there
// is none or it has expired at now.
func (s *Store) Session(ctx context.Context, tokenHash string, now time.Time) (storage.Session, error) {
	var sess storage.Session
	err := s.pool.QueryRow(ctx, `SELECT token_hash, user_name, csrf, created, expires FROM sessions
		WHERE token_hash = $1 AND expires > $2`, tokenHash, now).
		Scan(&sess.TokenHash, &sess.UserName, &sess.CSRF, at(&sess.Created), at(&sess.Expires))
	return sess, noRows(err, "session")
}

// DeleteSession removes a session; deleting a missing one is no error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return wrap(err, "session")
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userName string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_name = $1`, userName)
	return wrap(err, "sessions of %q", userName)
}
