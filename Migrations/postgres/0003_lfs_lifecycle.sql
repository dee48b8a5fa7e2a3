-- LFS objects a repository's writers deleted on purpose (`permanently_delete_lfs_files`): commits
-- may still point to them, and `modelhub fsck` reports those as deleted, not as corruption. A
-- record goes when the object is bound to the repository again.
CREATE TABLE lfs_deletions (
    repo_id    BIGINT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    oid        TEXT   NOT NULL,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (repo_id, oid)
);

-- When `modelhub gc` first found the object bound to no repository (its repositories were
-- deleted); NULL while bound. It deletes the object on a run at least its grace period later,
-- unless the object was bound again meanwhile (binding sets it back to NULL).
ALTER TABLE lfs_objects ADD COLUMN unbound_at BIGINT;
