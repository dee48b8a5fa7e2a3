-- Gated repositories, as on the public hub: their files need an accepted access request
-- (`auto`: accepted when made; `manual`: accepted by a repository admin); NULL: not gated.
ALTER TABLE repos ADD COLUMN gated TEXT CHECK (gated IN ('auto', 'manual'));

-- One access request per user and repository, moved between pending, accepted and rejected by
-- the repository's admins (`accept_access_request`, `reject_access_request`,
-- `cancel_access_request`, `grant_access`). `fields` is what the user filled in (JSON).
CREATE TABLE access_requests (
    id               INTEGER PRIMARY KEY,
    repo_id          INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    fields           TEXT,
    rejection_reason TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (repo_id, user_id)
);
CREATE INDEX access_requests_by_status ON access_requests (repo_id, status, created_at);
