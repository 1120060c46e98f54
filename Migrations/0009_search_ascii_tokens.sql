-- The full-text index splits words with FTS5's `ascii` tokenizer instead of `unicode61`. The
-- registry has always folded case and diacritics (ł included) before indexing; it now also turns
-- every non-ASCII character that is not part of a word as unicode61 saw it (anything but letters,
-- numbers and private use: „ ” – … « », symbols, marks, joiners) into a space. The text then
-- reaches FTS5 with its word boundaries at ASCII characters, where `ascii` finds them with a table
-- look-up per byte, and the words are the ones unicode61 found; its per-character Unicode tables
-- had cost about a third of building the index (Benchmarks/README, item 46).
--
-- The index is made anew, keeping any FTS5 settings it had (automerge, pgsz, …); the registry
-- indexes every entity again right after this migration, in its transaction (as it fills
-- search_norms after 0007).
CREATE TEMP TABLE entity_search_settings AS SELECT k, v FROM entity_search_config WHERE k <> 'version';
DROP TABLE entity_search;
CREATE VIRTUAL TABLE entity_search USING fts5 (
    name, city, street, note, scopes,
    tokenize = 'ascii'
);
INSERT INTO entity_search (entity_search, rank) SELECT k, v FROM entity_search_settings;
DROP TABLE temp.entity_search_settings;
