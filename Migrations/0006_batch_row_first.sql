-- An import writes its batch row before its first change and fills in the counts when it
-- finishes, in the same transaction. Written last (as before), the row arrived after every row
-- naming it, and SQLite's deferred foreign-key check then scanned each table that references
-- import_batches (they have no index on batch_id) for those rows: a pass over the whole registry
-- on every import, however small the file (0.4 s at a million entities).
--
-- A batch row is still append-only once finished: only an unfinished row (finished_at = '', which
-- no transaction commits: the import finishes it or rolls back) may change, once, and only in its
-- counts and finish time.
DROP TRIGGER import_batches_no_update;
CREATE TRIGGER import_batches_no_update BEFORE UPDATE ON import_batches
WHEN OLD.finished_at <> '' OR NEW.finished_at = ''
  OR NEW.id IS NOT OLD.id OR NEW.target IS NOT OLD.target OR NEW.file_name IS NOT OLD.file_name
  OR NEW.file_sha256 IS NOT OLD.file_sha256 OR NEW.encoding IS NOT OLD.encoding
  OR NEW.delimiter IS NOT OLD.delimiter OR NEW.options IS NOT OLD.options OR NEW.actor IS NOT OLD.actor
  OR NEW.started_at IS NOT OLD.started_at
BEGIN SELECT RAISE(ABORT, 'import_batches is append-only'); END;
