-- Xet's global dedup index: for each eligible chunk (the first chunk of every registered file, and
-- chunks whose hash's last word is 0 mod 1024), the xorb that holds it and the file it was
-- registered with, so that a client uploading data the hub already has is told which xorb
-- ranges to reference instead of sending them: the chunk's xorb, and the other xorbs of that file.
CREATE TABLE xet_dedup_chunks (
    chunk      TEXT    PRIMARY KEY CHECK (length(chunk) = 64),
    xorb       TEXT    NOT NULL CHECK (length(xorb) = 64),
    file       TEXT    NOT NULL CHECK (length(file) = 64),
    created_at INTEGER NOT NULL
);
