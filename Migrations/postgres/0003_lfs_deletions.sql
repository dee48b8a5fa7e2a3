-- LFS objects a repository's writers deleted on purpose (`permanently_delete_lfs_files`): commits
-- may still point to them, and `modelhub fsck` reports those as deleted, not as corruption. A
-- record goes when the object is bound to the repository again.
CREATE TABLE lfs_deletions (
    repo_id    BIGINT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    oid        TEXT   NOT NULL,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (repo_id, oid)
);
