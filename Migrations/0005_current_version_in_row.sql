-- Entity history as a system-versioned table: the `entities` row is the current version, with
-- its own bookkeeping (what changed, why, who, which import batch; `updated_at` is when it was
-- recorded), and `entity_versions` keeps every superseded version. No state is lost: version k
-- of an entity is its `entity_versions` row for k < current, and the `entities` row for the
-- current one. Before, every version was written twice (the row and its copy), which doubled
-- what a bulk import wrote; `v_entity_history` shows both halves as one table.
ALTER TABLE entities ADD COLUMN change TEXT NOT NULL DEFAULT 'add'
    CHECK (change IN ('add', 'update', 'close', 'reopen'));
ALTER TABLE entities ADD COLUMN reason TEXT;
ALTER TABLE entities ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE entities ADD COLUMN batch_id TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED;

UPDATE entities SET (change, reason, actor, batch_id) = (
    SELECT v.change, v.reason, v.actor, v.batch_id FROM entity_versions v
    WHERE v.entity_id = entities.id AND v.version = entities.version);

-- The current version's copy moves into the row above; the append-only guard is lifted for this
-- one statement and put back as it was.
DROP TRIGGER entity_versions_no_delete;
DELETE FROM entity_versions
WHERE version = (SELECT e.version FROM entities e WHERE e.id = entity_versions.entity_id);
CREATE TRIGGER entity_versions_no_delete BEFORE DELETE ON entity_versions
BEGIN SELECT RAISE(ABORT, 'entity_versions is append-only'); END;

-- A version's state and bookkeeping never change once written: only a new current version may
-- replace the row, and only after the old one was kept in entity_versions (the registry does
-- both in one transaction; this guard stops anything that skips the first step).
CREATE TRIGGER entities_keep_history BEFORE UPDATE ON entities
WHEN NEW.version <> OLD.version + 1
  OR NOT EXISTS (SELECT 1 FROM entity_versions v WHERE v.entity_id = OLD.id AND v.version = OLD.version)
BEGIN SELECT RAISE(ABORT, 'entities: a new version must follow the current one, which must be kept in entity_versions first'); END;

-- Every version of every entity, oldest first: the superseded ones and the current one.
CREATE VIEW v_entity_history AS
SELECT entity_id, version, change, reason, recorded_at, actor, batch_id, kind, name, nip, regon, krs, pkd,
       street, postal_code, city, teryt, founded_on, closed_on, close_reason, email, phone, www, latitude,
       longitude, capacity, operator_id, operator_teryt, note
FROM entity_versions
UNION ALL
SELECT id, version, change, reason, updated_at, actor, batch_id, kind, name, nip, regon, krs, pkd,
       street, postal_code, city, teryt, founded_on, closed_on, close_reason, email, phone, www, latitude,
       longitude, capacity, operator_id, operator_teryt, note
FROM entities;
