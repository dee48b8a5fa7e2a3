-- Organizations, their members' roles, who created each repository, and fine-grained tokens.

-- Users and organizations share one set of names (case ignored): each table's trigger refuses
-- a name the other holds, inside the inserting transaction.
CREATE TABLE organizations (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    fullname           TEXT    NOT NULL DEFAULT '',
    private_by_default INTEGER NOT NULL DEFAULT 0 CHECK (private_by_default IN (0, 1)),
    created_at         INTEGER NOT NULL
);

CREATE TRIGGER organizations_take_a_free_name BEFORE INSERT ON organizations
WHEN EXISTS (SELECT 1 FROM users WHERE name = NEW.name)
BEGIN
    SELECT RAISE(ABORT, 'namespace taken');
END;

CREATE TRIGGER users_take_a_free_name BEFORE INSERT ON users
WHEN EXISTS (SELECT 1 FROM organizations WHERE name = NEW.name)
BEGIN
    SELECT RAISE(ABORT, 'namespace taken');
END;

CREATE TABLE org_members (
    org_id     INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('read', 'contributor', 'write', 'admin')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_by_user ON org_members (user_id);

-- An org `contributor` writes only to the repositories they created. Existing repositories
-- were all created by the user whose namespace holds them.
ALTER TABLE repos ADD COLUMN creator_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
UPDATE repos SET creator_id = (SELECT id FROM users WHERE users.name = repos.namespace);

-- Tokens gain the `fineGrained` role (SQLite cannot change a CHECK: the table is rebuilt).
CREATE TABLE tokens_rebuilt (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('read', 'write', 'fineGrained')),
    secret_hash BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, name)
);
INSERT INTO tokens_rebuilt (id, user_id, name, role, secret_hash, created_at)
    SELECT id, user_id, name, role, secret_hash, created_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_rebuilt RENAME TO tokens;

-- What a fine-grained token grants: read or write on a user's or an org's repositories, or on
-- one repository (`entity` is then `namespace/name`).
CREATE TABLE token_scopes (
    token_id   INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('user', 'org', 'model', 'dataset', 'space')),
    entity     TEXT    NOT NULL COLLATE NOCASE,
    permission TEXT    NOT NULL CHECK (permission IN ('read', 'write')),
    PRIMARY KEY (token_id, kind, entity)
);
