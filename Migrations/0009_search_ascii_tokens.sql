-- The full-text index splits words with FTS5's `ascii` tokenizer instead of `unicode61`. The
-- registry has always folded case and diacritics (ł included) before indexing; it now also turns
-- every non-ASCII character that is neither a letter nor a digit („ ” – …) into a space, so the
-- text reaches FTS5 with its word boundaries at ASCII characters, where `ascii` finds them with a
-- table look-up per byte. unicode61's per-character Unicode tables found nothing left to do there
-- and cost about a third of building the index (Benchmarks/README, item 46). Words and search
-- results are the same.
--
-- The index is made anew; the registry indexes every entity again right after this migration, in
-- its transaction (as it fills search_norms after 0007).
DROP TABLE entity_search;
CREATE VIRTUAL TABLE entity_search USING fts5 (
    name, city, street, note, scopes,
    tokenize = 'ascii'
);
