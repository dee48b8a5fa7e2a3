-- Every word the names and cards of repositories have ever held (weights A and B of `search`),
-- so that a searched word, which matches as a prefix, can be turned into the exact words it
-- begins: a GIN index intersects exact words' posting lists, skipping ahead, but must read every
-- posting of a prefix's words in full (https://www.postgresql.org/docs/15/gin-implementation.html,
-- "partial match"), several times slower at 100,000 repositories. A word stays after the last
-- repository that had it is gone: it then completes a prefix to a word that matches nothing.
CREATE TABLE search_words (
    word TEXT COLLATE "C" PRIMARY KEY
);

CREATE FUNCTION repos_record_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT unnest(tsvector_to_array(ts_filter(NEW.search, '{a,b}')))
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

-- In the transaction that writes the row, so a committed repository's words are always there.
CREATE TRIGGER repos_record_search_words AFTER INSERT OR UPDATE OF namespace, name, search_card ON repos
    FOR EACH ROW EXECUTE FUNCTION repos_record_search_words();

INSERT INTO search_words (word)
SELECT DISTINCT unnest(tsvector_to_array(ts_filter(search, '{a,b}'))) FROM repos
ON CONFLICT DO NOTHING;

-- Rows rewritten by every counter flush add their words to the GIN index's pending list, which
-- every search reads in full until it is merged: keep it short (kB; the default is 4 MB).
ALTER INDEX repos_search SET (gin_pending_list_limit = 256);
