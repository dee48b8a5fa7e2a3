-- Signing in to the web UI: a password per user (scrypt, with its parameters and salt in the
-- value, so they can change later) and sessions. Like tokens, only the SHA-256 of a session's
-- secret is kept; its CSRF token goes into every form the session's pages show.
ALTER TABLE users ADD COLUMN password_hash TEXT;

CREATE TABLE sessions (
    secret_hash BLOB    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
