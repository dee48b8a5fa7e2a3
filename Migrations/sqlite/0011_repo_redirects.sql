-- Names that lead to a repository without being its name: the old names of a renamed repository
-- (`namespace/name`) and the one-segment aliases a site admin made (`gpt2`). Requests for
-- `from_path` are redirected to wherever row `repo_id` lives now, so a repository renamed twice
-- is found from either old name. A repository created at an old name takes it back (its row is
-- deleted); deleting the repository deletes its redirects.
CREATE TABLE repo_redirects (
    kind       TEXT    NOT NULL CHECK (kind IN ('model', 'dataset', 'space')),
    from_path  TEXT    NOT NULL COLLATE NOCASE,
    repo_id    INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    is_alias   INTEGER NOT NULL DEFAULT 0 CHECK (is_alias IN (0, 1)),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, from_path)
);
CREATE INDEX repo_redirects_by_repo ON repo_redirects (repo_id);
