-- What the model/dataset card says (README.md front matter), as the index keeps it for listing
-- and search. Rebuilt from git after every accepted push and API commit.

ALTER TABLE repos ADD COLUMN card_data TEXT;       -- the front matter as JSON, NULL without one
ALTER TABLE repos ADD COLUMN pipeline_tag TEXT;
ALTER TABLE repos ADD COLUMN library_name TEXT;

-- Tags as the public hub derives them: the card's tags, license:X, languages, the library,
-- the task, dataset:X, base_model:X.
CREATE TABLE repo_tags (
    repo_id  INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    tag      TEXT    NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (repo_id, tag)
);
CREATE INDEX repo_tags_by_tag ON repo_tags (tag, repo_id);

-- Full-text search over the repository id and the card's text; rowid = repos.id.
CREATE VIRTUAL TABLE repo_search USING fts5(name, card, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO repo_search (rowid, name, card) SELECT id, namespace || '/' || name, '' FROM repos;

CREATE TRIGGER repos_search_insert AFTER INSERT ON repos BEGIN
    INSERT INTO repo_search (rowid, name, card) VALUES (new.id, new.namespace || '/' || new.name, '');
END;

CREATE TRIGGER repos_search_rename AFTER UPDATE OF namespace, name ON repos BEGIN
    UPDATE repo_search SET name = new.namespace || '/' || new.name WHERE rowid = new.id;
END;

CREATE TRIGGER repos_search_delete AFTER DELETE ON repos BEGIN
    DELETE FROM repo_search WHERE rowid = old.id;
END;

CREATE INDEX repos_by_last_modified ON repos (kind, last_modified);
CREATE INDEX repos_by_created ON repos (kind, created_at);
