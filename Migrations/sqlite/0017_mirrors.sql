-- Repositories this hub mirrors from its upstream hub (`upstreamURL`): when their branches and
-- tags were last fetched (NULL: one of this hub's own repositories), and whether an
-- administrator pinned the mirror (kept even when upstream deletes the repository).
ALTER TABLE repos ADD COLUMN mirror_fetched_at INTEGER;
ALTER TABLE repos ADD COLUMN mirror_pinned INTEGER NOT NULL DEFAULT 0 CHECK (mirror_pinned IN (0, 1));
