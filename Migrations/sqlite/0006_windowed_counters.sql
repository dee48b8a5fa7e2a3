-- The downloads of the last 30 days and the trending score (downloads of the last 7 days plus
-- 10 per like given in the last 7 days), kept on the row so listings sort by an index instead of
-- aggregating repo_downloads for every candidate. Downloads and likes bump them as they happen;
-- once a day every row is recounted so that days leaving the windows drop out
-- (Sources/HubIndex/WindowedCounters.swift). `counter_windows` holds the day of the last recount.
ALTER TABLE repos ADD COLUMN downloads_30d INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repos ADD COLUMN trending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX repos_by_downloads_30d ON repos (kind, downloads_30d);
CREATE INDEX repos_by_trending ON repos (kind, trending);

CREATE TABLE counter_windows (
    day INTEGER NOT NULL
);
INSERT INTO counter_windows (day) VALUES (-1);
