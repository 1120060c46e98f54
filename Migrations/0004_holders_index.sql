-- "Who holds scheme X on day D" reads one covering index and goes straight to the entities' rows.
-- Before, each holder cost three random look-ups (the periods table, the entities id index, the
-- row); on a registry of a million entities that was most of `query --holds`.
ALTER TABLE certificate_periods ADD COLUMN entity_rowid INTEGER;
UPDATE certificate_periods
SET entity_rowid = (SELECT e.rowid FROM entities e WHERE e.id = certificate_periods.entity_id);
DROP INDEX certificate_periods_scheme;
CREATE INDEX certificate_periods_scheme ON certificate_periods (scheme_code, held_from, held_to, entity_rowid);
