-- Valid time for entities: every version has an effective date (the day it starts to hold in the
-- world), and the registry keeps, as known now, the day ranges in which each version holds.
--
-- effective_on: a version's valid-time start as entered (`entity update --effective-on`, an
--   import's `effective_on` column, a closing's date; the first version applies from the
--   founding date). Existing versions take the Polish day they were recorded (the data step).
-- valid_from/valid_to (entities only): the days [from, to) in which the current row's version is
--   the one in effect, within the entity's life, as known now; to = '9999-12-31' when open-ended,
--   from = to when it is in effect on no day. Derived, like certificate_periods.
-- entity_timeline: the same ranges for the superseded versions still in effect on some day (an
--   entity with one version has none), with the two columns the map counts by.
ALTER TABLE entities ADD COLUMN effective_on TEXT;
ALTER TABLE entities ADD COLUMN valid_from TEXT;
ALTER TABLE entities ADD COLUMN valid_to TEXT;
ALTER TABLE entity_versions ADD COLUMN effective_on TEXT;

CREATE TABLE entity_timeline (
    entity_rowid INTEGER NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    teryt        TEXT,
    PRIMARY KEY (entity_rowid, valid_from)
) WITHOUT ROWID;
CREATE INDEX entity_timeline_place ON entity_timeline (teryt, kind, valid_from, valid_to);

-- The map counts entities per code and kind on a day from this index alone (a million entries
-- read in order, no table rows); region filters use its leading column as they used entities_teryt.
DROP INDEX entities_teryt;
CREATE INDEX entities_place ON entities (teryt, kind, valid_from, valid_to);

-- The change report lists the entities without a founding date: few, found by this index alone.
CREATE INDEX entities_undated ON entities (teryt) WHERE founded_on IS NULL;

-- The data step fills the new columns of stored versions: the append-only guards are lifted for
-- it and put back, exactly as they were, by migration 0011.
DROP TRIGGER entities_keep_history;
DROP TRIGGER entity_versions_no_update;

-- Every version with its effective date, oldest first (columns only grow).
DROP VIEW v_entity_history;
CREATE VIEW v_entity_history AS
SELECT entity_id, version, change, reason, recorded_at, actor, batch_id, kind, name, nip, regon, krs, pkd,
       street, postal_code, city, teryt, founded_on, closed_on, close_reason, email, phone, www, latitude,
       longitude, capacity, operator_id, operator_teryt, note, effective_on
FROM entity_versions
UNION ALL
SELECT id, version, change, reason, updated_at, actor, batch_id, kind, name, nip, regon, krs, pkd,
       street, postal_code, city, teryt, founded_on, closed_on, close_reason, email, phone, www, latitude,
       longitude, capacity, operator_id, operator_teryt, note, effective_on
FROM entities;
