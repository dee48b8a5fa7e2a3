-- Repositories this hub mirrors from its upstream hub (`upstreamURL`): when their branches and
-- tags were last fetched (NULL: one of this hub's own repositories), and whether an
-- administrator pinned the mirror (kept even when upstream deletes the repository).
ALTER TABLE repos ADD COLUMN mirror_fetched_at BIGINT;
ALTER TABLE repos ADD COLUMN mirror_pinned BOOLEAN NOT NULL DEFAULT FALSE;
