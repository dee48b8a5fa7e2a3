-- Discussions and pull requests. A pull request's commits live on refs/pr/{num} in git.

CREATE TABLE discussions (
    id              INTEGER PRIMARY KEY,
    repo_id         INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    num             INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    is_pull_request INTEGER NOT NULL CHECK (is_pull_request IN (0, 1)),
    status          TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'merged', 'draft')),
    target_branch   TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (repo_id, num)
);
