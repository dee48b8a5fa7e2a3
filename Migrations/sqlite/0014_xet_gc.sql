-- The garbage collector deletes a file's dedup records with the file: found by file, not by chunk.
CREATE INDEX xet_dedup_chunks_by_file ON xet_dedup_chunks (file);
