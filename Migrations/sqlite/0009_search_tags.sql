-- A text search's tag filters run inside FTS5: every tag is also one token of a new `tags`
-- column ('t' and the tag's UTF-8 bytes in hex, so any tag is exactly one token), and
-- "german spam" filtered by a task intersects posting lists instead of looking up the tags of
-- every match (Sources/HubIndex/SQLiteRepoStore.swift, `filter`). The table is rebuilt with its
-- rows (the card text lives only here) and its triggers.
CREATE VIRTUAL TABLE repo_search_rebuilt USING fts5(name, card, tags, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO repo_search_rebuilt (rowid, name, card, tags)
    SELECT rowid, name, card,
           COALESCE((SELECT group_concat('t' || lower(hex(tag)), ' ') FROM repo_tags WHERE repo_id = repo_search.rowid), '')
    FROM repo_search;

DROP TRIGGER repos_search_insert;
DROP TRIGGER repos_search_rename;
DROP TRIGGER repos_search_delete;
DROP TABLE repo_search;
ALTER TABLE repo_search_rebuilt RENAME TO repo_search;

CREATE TRIGGER repos_search_insert AFTER INSERT ON repos BEGIN
    INSERT INTO repo_search (rowid, name, card, tags) VALUES (new.id, new.namespace || '/' || new.name, '', '');
END;

CREATE TRIGGER repos_search_rename AFTER UPDATE OF namespace, name ON repos BEGIN
    UPDATE repo_search SET name = new.namespace || '/' || new.name WHERE rowid = new.id;
END;

CREATE TRIGGER repos_search_delete AFTER DELETE ON repos BEGIN
    DELETE FROM repo_search WHERE rowid = old.id;
END;
