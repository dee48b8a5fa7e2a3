-- Git LFS: the objects stored, which repository each is bound to, and file locks.

-- Every object in the blob store. Objects are shared by all repositories.
CREATE TABLE lfs_objects (
    oid        TEXT    PRIMARY KEY CHECK (length(oid) = 64),
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at INTEGER NOT NULL
);

-- An object is readable through a repository only once bound to it: its bytes were uploaded to
-- that repository, or the uploader could already read them through another repository.
CREATE TABLE repo_lfs_objects (
    repo_id    INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    oid        TEXT    NOT NULL REFERENCES lfs_objects(oid),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (repo_id, oid)
);
CREATE INDEX repo_lfs_objects_by_oid ON repo_lfs_objects (oid);

CREATE TABLE lfs_locks (
    id        INTEGER PRIMARY KEY,
    repo_id   INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    path      TEXT    NOT NULL,
    ref_name  TEXT,
    owner_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    locked_at INTEGER NOT NULL,
    UNIQUE (repo_id, path)
);
