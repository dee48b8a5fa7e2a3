-- Likes and download counts, counted the public hub's way (see Sources/HubServices/CounterService.swift).

CREATE TABLE repo_likes (
    repo_id    INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (repo_id, user_id)
);
CREATE INDEX repo_likes_by_user ON repo_likes (user_id, created_at);

-- Downloads per repository per day (days since 1970, UTC).
CREATE TABLE repo_downloads (
    repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    day     INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (repo_id, day)
);

-- Kept on the row so listings sort without aggregating: all-time downloads, likes, and the
-- downloads of the last 30 days and trending score as of the last refresh.
ALTER TABLE repos ADD COLUMN downloads_all_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repos ADD COLUMN likes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX repos_by_downloads ON repos (kind, downloads_all_time);
CREATE INDEX repos_by_likes ON repos (kind, likes);
