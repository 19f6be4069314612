-- The tables of an Isso database at schema version 5, the layout the
-- isso package reads. Written from Isso's table definitions for the tests;
-- it is not Isso's own file.
PRAGMA user_version = 5;

CREATE TABLE preferences (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE threads (
    id INTEGER PRIMARY KEY,
    uri VARCHAR(256) UNIQUE,
    title VARCHAR(256)
);

-- mode: 1 accepted, 2 waiting for moderation, 4 deleted but kept for its
-- replies. created and modified are Unix times in seconds.
CREATE TABLE comments (
    tid REFERENCES threads(id),
    id INTEGER PRIMARY KEY,
    parent INTEGER,
    created FLOAT NOT NULL,
    modified FLOAT,
    mode INTEGER,
    remote_addr VARCHAR,
    text VARCHAR NOT NULL,
    author VARCHAR,
    email VARCHAR,
    website VARCHAR,
    likes INTEGER DEFAULT 0,
    dislikes INTEGER DEFAULT 0,
    voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0
);

-- Isso drops a thread once its last comment is gone.
CREATE TRIGGER remove_stale_threads AFTER DELETE ON comments
BEGIN
    DELETE FROM threads WHERE id NOT IN (SELECT tid FROM comments);
END;
