-- The timeline of each discussion (`get_discussion_details`' events): comments, status changes,
-- commits pushed to a pull request, new titles. `event_id` is the id clients see (24 hex digits).
-- A comment keeps its text as it reads now (`body`), who wrote that and when, and its earlier
-- versions (`history`, JSON, oldest first); hiding it empties both. A commit keeps its subject in
-- `body`.
CREATE TABLE discussion_events (
    id            INTEGER PRIMARY KEY,
    discussion_id INTEGER NOT NULL REFERENCES discussions(id) ON DELETE CASCADE,
    event_id      TEXT    NOT NULL UNIQUE CHECK (length(event_id) = 24),
    type          TEXT    NOT NULL CHECK (type IN ('comment', 'status-change', 'commit', 'title-change')),
    author_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    body          TEXT,
    hidden        INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    updated_at    INTEGER,
    editor_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    history       TEXT    NOT NULL DEFAULT '[]',
    status        TEXT    CHECK (status IN ('open', 'closed', 'merged', 'draft')),
    commit_oid    TEXT,
    old_title     TEXT,
    new_title     TEXT
);
CREATE INDEX discussion_events_by_discussion ON discussion_events (discussion_id, id);

-- Where a merged pull request's branch went.
ALTER TABLE discussions ADD COLUMN merge_commit TEXT;

-- Each discussion opened so far starts with its description, as those opened from now on do.
INSERT INTO discussion_events (discussion_id, event_id, type, author_id, created_at, body, updated_at, editor_id)
SELECT id, printf('%024x', id), 'comment', author_id, created_at, description, created_at, author_id
FROM discussions WHERE description <> '';
