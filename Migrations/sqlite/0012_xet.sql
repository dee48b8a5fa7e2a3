-- Xet: files registered by shard uploads, after the server rebuilt each from the stored xorbs and
-- checked its file hash, its terms' verification hashes and its SHA-256. A file is also an LFS
-- object (its SHA-256 in lfs_objects, bound to the repository the upload was for), so commits,
-- pointers and downloads treat it as one; its bytes live in the xorbs its terms name.
CREATE TABLE xet_files (
    hash       TEXT    PRIMARY KEY CHECK (length(hash) = 64),
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    size       INTEGER NOT NULL CHECK (size >= 0),
    -- 44 bytes per term: the xorb's hash (32), the term's unpacked bytes, first chunk and end
    -- chunk (exclusive), each a little-endian u32.
    terms      BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX xet_files_by_sha256 ON xet_files (sha256);
