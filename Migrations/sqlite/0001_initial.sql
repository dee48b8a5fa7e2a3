-- Accounts, access tokens and the index of repositories.
-- Names compare without case (COLLATE NOCASE): 'Alice' and 'alice' are the same account.
-- Times are milliseconds since 1970-01-01 UTC.

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    fullname    TEXT    NOT NULL DEFAULT '',
    email       TEXT,
    is_admin    INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_at  INTEGER NOT NULL
);

-- Only the SHA-256 of a token is kept; the secret is shown once, when it is made.
CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('read', 'write')),
    secret_hash BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, name)
);

CREATE TABLE repos (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('model', 'dataset', 'space')),
    namespace     TEXT    NOT NULL COLLATE NOCASE,
    name          TEXT    NOT NULL COLLATE NOCASE,
    private       INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    sdk           TEXT,
    head_commit   TEXT,
    created_at    INTEGER NOT NULL,
    last_modified INTEGER NOT NULL,
    UNIQUE (kind, namespace, name)
);
CREATE INDEX repos_by_namespace ON repos (namespace);
