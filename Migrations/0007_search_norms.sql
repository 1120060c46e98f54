-- Each full-text document's length in tokens, as FTS5 counts it (the sum of its
-- entity_search_docsize row), 1,024 documents per row, one byte each (255: 255 tokens or more, read
-- from docsize instead; 0: no document). bm25 needs the length of every match; read from docsize it
-- cost one look-up per match, two thirds of a broad search's time at a million entities. The
-- registry fills the table right after this migration and updates it whenever it writes
-- entity_search, in the same transaction; `registry check` compares it with docsize.
CREATE TABLE search_norms (
    chunk   INTEGER PRIMARY KEY,   -- entity_search rowid / 1024
    lengths BLOB NOT NULL
);
