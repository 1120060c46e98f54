CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
CREATE TABLE teryt_units (
    code          TEXT PRIMARY KEY,           -- '02', '0201' or '0201011' (WW, WWPP, WWPPGGR)
    level         TEXT NOT NULL CHECK (level IN ('wojewodztwo', 'powiat', 'gmina', 'czesc')),
    commune_type  TEXT,                       -- RODZ: 1 urban, 2 rural, 3 urban-rural, 4 town part, 5 rural part, 8/9 district
    commune_code  TEXT,                       -- the commune (RODZ 1-3) a 7-digit unit lies in; itself for communes
    name          TEXT NOT NULL,
    name_folded   TEXT NOT NULL,              -- lower case without diacritics, for name look-ups
    unit_type     TEXT NOT NULL,              -- NAZWA_DOD, e.g. 'gmina wiejska', 'powiat', 'miasto na prawach powiatu'
    edition       TEXT NOT NULL,              -- STAN_NA of the edition that last described the unit
    abolished_in  TEXT,                       -- STAN_NA of the first edition without the unit
    version       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX teryt_units_name ON teryt_units (name_folded);
CREATE INDEX teryt_units_commune ON teryt_units (commune_code);
CREATE TABLE teryt_unit_versions (
    code          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    name          TEXT NOT NULL,
    unit_type     TEXT NOT NULL,
    edition       TEXT NOT NULL,
    abolished_in  TEXT,
    recorded_at   TEXT NOT NULL,
    actor         TEXT NOT NULL,
    batch_id      TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (code, version)
) WITHOUT ROWID;
CREATE TABLE import_batches (
    id            TEXT PRIMARY KEY,
    target        TEXT NOT NULL CHECK (target IN ('entities', 'certificates', 'resources', 'needs', 'teryt')),
    file_name     TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    encoding      TEXT NOT NULL,
    delimiter     TEXT NOT NULL,
    options       TEXT NOT NULL,              -- canonical JSON of the options used
    rows          INTEGER NOT NULL,
    inserted      INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    unchanged     INTEGER NOT NULL,
    rejected      INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE entities (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    version        INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    nip            TEXT,
    regon          TEXT,
    krs            TEXT,
    pkd            TEXT,
    street         TEXT,
    postal_code    TEXT,
    city           TEXT,
    teryt          TEXT REFERENCES teryt_units (code),
    founded_on     TEXT,
    closed_on      TEXT,
    close_reason   TEXT,
    email          TEXT,
    phone          TEXT,
    www            TEXT,
    latitude       REAL,
    longitude      REAL,
    capacity       INTEGER,
    operator_id    TEXT REFERENCES entities (id),
    operator_teryt TEXT REFERENCES teryt_units (code),
    note           TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
, change TEXT NOT NULL DEFAULT 'add'
    CHECK (change = 'add' OR change = 'update' OR change = 'close' OR change = 'reopen'), reason TEXT, actor TEXT NOT NULL DEFAULT '', batch_id TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED, effective_on TEXT, valid_from TEXT, valid_to TEXT);
CREATE UNIQUE INDEX entities_nip ON entities (nip) WHERE nip IS NOT NULL;
CREATE UNIQUE INDEX entities_regon ON entities (regon) WHERE regon IS NOT NULL;
CREATE UNIQUE INDEX entities_krs ON entities (krs) WHERE krs IS NOT NULL;
CREATE INDEX entities_kind ON entities (kind);
CREATE TABLE entity_versions (
    entity_id      TEXT NOT NULL REFERENCES entities (id),
    version        INTEGER NOT NULL,
    change         TEXT NOT NULL CHECK (change = 'add' OR change = 'update' OR change = 'close' OR change = 'reopen'),
    reason         TEXT,
    recorded_at    TEXT NOT NULL,
    actor          TEXT NOT NULL,
    batch_id       TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    nip            TEXT,
    regon          TEXT,
    krs            TEXT,
    pkd            TEXT,
    street         TEXT,
    postal_code    TEXT,
    city           TEXT,
    teryt          TEXT,
    founded_on     TEXT,
    closed_on      TEXT,
    close_reason   TEXT,
    email          TEXT,
    phone          TEXT,
    www            TEXT,
    latitude       REAL,
    longitude      REAL,
    capacity       INTEGER,
    operator_id    TEXT,
    operator_teryt TEXT,
    note           TEXT, effective_on TEXT,
    PRIMARY KEY (entity_id, version)
) WITHOUT ROWID;
CREATE INDEX entity_versions_recorded ON entity_versions (recorded_at);
CREATE TABLE schemes (
    code                    TEXT PRIMARY KEY,
    name                    TEXT NOT NULL,
    issuer_type             TEXT NOT NULL,
    default_validity_months INTEGER,          -- NULL: open-ended
    scoped                  INTEGER NOT NULL DEFAULT 0 CHECK (scoped IN (0, 1)),
    description             TEXT,
    created_at              TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE scheme_kinds (
    scheme_code TEXT NOT NULL REFERENCES schemes (code),
    kind        TEXT NOT NULL,
    PRIMARY KEY (scheme_code, kind)
) WITHOUT ROWID;
CREATE TABLE certificates (
    id           TEXT PRIMARY KEY,
    entity_id    TEXT NOT NULL REFERENCES entities (id),
    scheme_code  TEXT NOT NULL REFERENCES schemes (code),
    recorded_at  TEXT NOT NULL,
    actor        TEXT NOT NULL,
    batch_id     TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;
CREATE INDEX certificates_entity ON certificates (entity_id);
CREATE INDEX certificates_scheme ON certificates (scheme_code);
CREATE TABLE certificate_events (
    id              TEXT PRIMARY KEY,
    certificate_id  TEXT NOT NULL REFERENCES certificates (id),
    event           TEXT NOT NULL CHECK (event IN ('granted', 'renewed', 'suspended', 'reinstated', 'revoked', 'corrected')),
    effective_on    TEXT NOT NULL,
    valid_from      TEXT,
    valid_to        TEXT,
    decision_no     TEXT,
    decided_on      TEXT,
    issuer          TEXT,
    scope           TEXT,
    reason          TEXT,
    corrects        TEXT REFERENCES certificate_events (id),
    recorded_at     TEXT NOT NULL,
    actor           TEXT NOT NULL,
    batch_id        TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;
CREATE INDEX certificate_events_certificate ON certificate_events (certificate_id, recorded_at);
CREATE TABLE certificate_periods (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    entity_id      TEXT NOT NULL REFERENCES entities (id),
    scheme_code    TEXT NOT NULL,
    held_from      TEXT NOT NULL,
    held_to        TEXT NOT NULL, entity_rowid INTEGER,
    PRIMARY KEY (certificate_id, held_from)
) WITHOUT ROWID;
CREATE INDEX certificate_periods_entity ON certificate_periods (entity_id);
CREATE TABLE resource_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE need_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE resources (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL,
    entity_id     TEXT NOT NULL REFERENCES entities (id),
    category      TEXT NOT NULL REFERENCES resource_categories (code),
    description   TEXT NOT NULL,
    quantity      REAL,
    unit          TEXT,
    recorded_on   TEXT NOT NULL,
    withdrawn_on  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX resources_entity ON resources (entity_id);
CREATE INDEX resources_category ON resources (category);
CREATE TABLE resource_versions (
    resource_id   TEXT NOT NULL REFERENCES resources (id),
    version       INTEGER NOT NULL,
    change        TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    actor         TEXT NOT NULL,
    batch_id      TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED,
    entity_id     TEXT NOT NULL,
    category      TEXT NOT NULL,
    description   TEXT NOT NULL,
    quantity      REAL,
    unit          TEXT,
    recorded_on   TEXT NOT NULL,
    withdrawn_on  TEXT,
    PRIMARY KEY (resource_id, version)
) WITHOUT ROWID;
CREATE TABLE needs (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL,
    entity_id     TEXT NOT NULL REFERENCES entities (id),
    category      TEXT NOT NULL REFERENCES need_categories (code),
    description   TEXT NOT NULL,
    priority      INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 3),
    reported_on   TEXT NOT NULL,
    met_on        TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX needs_entity ON needs (entity_id);
CREATE INDEX needs_category ON needs (category);
CREATE TABLE need_versions (
    need_id       TEXT NOT NULL REFERENCES needs (id),
    version       INTEGER NOT NULL,
    change        TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    actor         TEXT NOT NULL,
    batch_id      TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED,
    entity_id     TEXT NOT NULL,
    category      TEXT NOT NULL,
    description   TEXT NOT NULL,
    priority      INTEGER NOT NULL,
    reported_on   TEXT NOT NULL,
    met_on        TEXT,
    PRIMARY KEY (need_id, version)
) WITHOUT ROWID;
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    recorded_at  TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT,
    before       TEXT,
    after        TEXT,
    batch_id     TEXT REFERENCES import_batches (id) DEFERRABLE INITIALLY DEFERRED,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_id);
CREATE INDEX audit_log_recorded ON audit_log (recorded_at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER entities_no_delete BEFORE DELETE ON entities
BEGIN SELECT RAISE(ABORT, 'entities are never deleted: close them with a date'); END;
CREATE TRIGGER certificates_no_update BEFORE UPDATE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are append-only'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are append-only'); END;
CREATE TRIGGER certificate_events_no_update BEFORE UPDATE ON certificate_events
BEGIN SELECT RAISE(ABORT, 'certificate_events is append-only'); END;
CREATE TRIGGER certificate_events_no_delete BEFORE DELETE ON certificate_events
BEGIN SELECT RAISE(ABORT, 'certificate_events is append-only'); END;
CREATE TRIGGER import_batches_no_delete BEFORE DELETE ON import_batches
BEGIN SELECT RAISE(ABORT, 'import_batches is append-only'); END;
CREATE TRIGGER resource_versions_no_update BEFORE UPDATE ON resource_versions
BEGIN SELECT RAISE(ABORT, 'resource_versions is append-only'); END;
CREATE TRIGGER resource_versions_no_delete BEFORE DELETE ON resource_versions
BEGIN SELECT RAISE(ABORT, 'resource_versions is append-only'); END;
CREATE TRIGGER resources_no_delete BEFORE DELETE ON resources
BEGIN SELECT RAISE(ABORT, 'resources are never deleted: withdraw them with a date'); END;
CREATE TRIGGER need_versions_no_update BEFORE UPDATE ON need_versions
BEGIN SELECT RAISE(ABORT, 'need_versions is append-only'); END;
CREATE TRIGGER need_versions_no_delete BEFORE DELETE ON need_versions
BEGIN SELECT RAISE(ABORT, 'need_versions is append-only'); END;
CREATE TRIGGER needs_no_delete BEFORE DELETE ON needs
BEGIN SELECT RAISE(ABORT, 'needs are never deleted: close them with a date'); END;
CREATE TRIGGER teryt_unit_versions_no_update BEFORE UPDATE ON teryt_unit_versions
BEGIN SELECT RAISE(ABORT, 'teryt_unit_versions is append-only'); END;
CREATE TRIGGER teryt_unit_versions_no_delete BEFORE DELETE ON teryt_unit_versions
BEGIN SELECT RAISE(ABORT, 'teryt_unit_versions is append-only'); END;
CREATE TRIGGER teryt_units_no_delete BEFORE DELETE ON teryt_units
BEGIN SELECT RAISE(ABORT, 'TERYT units are never deleted: an abolished unit is marked'); END;
CREATE VIEW v_certificate_events AS
SELECT ev.id AS event_id, ev.certificate_id, c.entity_id, c.scheme_code AS scheme, ev.event, ev.effective_on,
       ev.valid_from, ev.valid_to, ev.decision_no, ev.decided_on, ev.issuer, ev.scope, ev.reason, ev.corrects,
       EXISTS (SELECT 1 FROM certificate_events later WHERE later.corrects = ev.id) AS superseded,
       ev.recorded_at, ev.actor, ev.batch_id
FROM certificate_events ev
JOIN certificates c ON c.id = ev.certificate_id;
CREATE VIEW v_certificates AS
SELECT c.id AS certificate_id, c.entity_id, e.name, e.nip, c.scheme_code AS scheme,
       (SELECT min(held_from) FROM certificate_periods p WHERE p.certificate_id = c.id) AS first_held_from,
       (SELECT max(held_to) FROM certificate_periods p WHERE p.certificate_id = c.id) AS last_held_to,
       (SELECT count(*) FROM certificate_events ev WHERE ev.certificate_id = c.id) AS events,
       c.recorded_at, c.actor
FROM certificates c
JOIN entities e ON e.id = c.entity_id;
CREATE VIEW v_holders AS
SELECT p.entity_id, e.name, e.nip, e.teryt, p.certificate_id, p.scheme_code AS scheme, p.held_from, p.held_to
FROM certificate_periods p
JOIN entities e ON e.id = p.entity_id;
CREATE VIEW v_resources AS
SELECT r.id, r.entity_id, e.name AS entity_name, e.teryt, r.category, r.description, r.quantity, r.unit,
       r.recorded_on, r.withdrawn_on
FROM resources r
JOIN entities e ON e.id = r.entity_id;
CREATE VIEW v_needs AS
SELECT n.id, n.entity_id, e.name AS entity_name, e.teryt, n.category, n.description, n.priority,
       n.reported_on, n.met_on
FROM needs n
JOIN entities e ON e.id = n.entity_id;
CREATE INDEX entities_name ON entities (name);
CREATE INDEX certificate_periods_scheme ON certificate_periods (scheme_code, held_from, held_to, entity_rowid);
CREATE TRIGGER entity_versions_no_delete BEFORE DELETE ON entity_versions
BEGIN SELECT RAISE(ABORT, 'entity_versions is append-only'); END;
CREATE TRIGGER import_batches_no_update BEFORE UPDATE ON import_batches
WHEN OLD.finished_at <> '' OR NEW.finished_at = ''
  OR NEW.id IS NOT OLD.id OR NEW.target IS NOT OLD.target OR NEW.file_name IS NOT OLD.file_name
  OR NEW.file_sha256 IS NOT OLD.file_sha256 OR NEW.encoding IS NOT OLD.encoding
  OR NEW.delimiter IS NOT OLD.delimiter OR NEW.options IS NOT OLD.options OR NEW.actor IS NOT OLD.actor
  OR NEW.started_at IS NOT OLD.started_at
BEGIN SELECT RAISE(ABORT, 'import_batches is append-only'); END;
CREATE TABLE search_norms (
    chunk   INTEGER PRIMARY KEY,   -- entity_search rowid / 1024
    lengths BLOB NOT NULL
);
CREATE VIRTUAL TABLE entity_search USING fts5 (
    name, city, street, note, scopes,
    tokenize = 'ascii'
);
CREATE TABLE 'entity_search_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'entity_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE 'entity_search_content'(id INTEGER PRIMARY KEY, c0, c1, c2, c3, c4);
CREATE TABLE 'entity_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'entity_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
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
CREATE INDEX entities_place ON entities (teryt, kind, valid_from, valid_to);
CREATE INDEX entities_undated ON entities (teryt) WHERE founded_on IS NULL;
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
CREATE VIEW v_entities AS SELECT e.id, e.kind, e.name, e.nip, e.regon, e.krs, e.pkd, e.street, e.postal_code, e.city, e.teryt,
       g.name AS commune, p.name AS county, w.name AS voivodeship,
       e.founded_on, e.closed_on, e.close_reason, e.status,
       e.email, e.phone, e.www, e.latitude, e.longitude, e.capacity, e.operator_id, e.operator_teryt, e.note,
       e.version, e.created_at, e.updated_at, e.effective_on
FROM (SELECT e.id, e.version, e.kind, e.name, e.nip, e.regon, e.krs, e.pkd, e.street, e.postal_code, e.city, e.teryt, e.founded_on, e.closed_on, e.close_reason, e.email, e.phone, e.www, e.latitude, e.longitude, e.capacity, e.operator_id, e.operator_teryt, e.note, e.created_at, e.updated_at, e.effective_on, e.rowid AS entity_rowid, CASE WHEN e.valid_from <= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19), CASE WHEN substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) >= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) < date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN '+2 hours' ELSE '+1 hours' END) AND e.valid_to > date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19), CASE WHEN substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) >= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) < date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN '+2 hours' ELSE '+1 hours' END) THEN 'active' ELSE 'closed' END AS status FROM entities e
WHERE (e.valid_from <= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19), CASE WHEN substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) >= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) < date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN '+2 hours' ELSE '+1 hours' END) AND e.valid_to > date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19), CASE WHEN substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) >= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) < date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN '+2 hours' ELSE '+1 hours' END) OR e.closed_on <= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19), CASE WHEN substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) >= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) < date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN '+2 hours' ELSE '+1 hours' END)) UNION ALL SELECT e.id, v.version, t.kind, v.name, v.nip, v.regon, v.krs, v.pkd, v.street, v.postal_code, v.city, t.teryt, e.founded_on, e.closed_on, e.close_reason, v.email, v.phone, v.www, v.latitude, v.longitude, v.capacity, v.operator_id, v.operator_teryt, v.note, e.created_at, v.recorded_at AS updated_at, v.effective_on, t.entity_rowid, 'active' AS status
FROM entity_timeline t CROSS JOIN entities e CROSS JOIN entity_versions v
WHERE e.rowid = t.entity_rowid AND v.entity_id = e.id AND v.version = t.version
  AND t.valid_from <= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19), CASE WHEN substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) >= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) < date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN '+2 hours' ELSE '+1 hours' END) AND t.valid_to > date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19), CASE WHEN substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) >= date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 19) < date(substr(strftime('%Y-%m-%dT%H:%M:%S', 'now'), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN '+2 hours' ELSE '+1 hours' END)) e
LEFT JOIN teryt_units g ON g.code = e.teryt
LEFT JOIN teryt_units p ON p.code = substr(e.teryt, 1, 4)
LEFT JOIN teryt_units w ON w.code = substr(e.teryt, 1, 2);
CREATE TRIGGER entity_versions_no_update BEFORE UPDATE ON entity_versions
BEGIN SELECT RAISE(ABORT, 'entity_versions is append-only'); END;
CREATE TRIGGER entities_keep_history BEFORE UPDATE ON entities
WHEN NEW.version <> OLD.version + 1
  OR NOT EXISTS (SELECT 1 FROM entity_versions v WHERE v.entity_id = OLD.id AND v.version = OLD.version)
BEGIN SELECT RAISE(ABORT, 'entities: a new version must follow the current one, which must be kept in entity_versions first'); END;
