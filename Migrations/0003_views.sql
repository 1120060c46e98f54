-- Stable views for `registry sql` and other readers: what the registry says now, without internal
-- bookkeeping columns. Their columns only ever grow; history lives in the *_versions tables and audit_log.

CREATE VIEW v_entities AS
SELECT e.id, e.kind, e.name, e.nip, e.regon, e.krs, e.pkd, e.street, e.postal_code, e.city, e.teryt,
       g.name AS commune, p.name AS county, w.name AS voivodeship,
       e.founded_on, e.closed_on, e.close_reason,
       CASE WHEN e.closed_on IS NULL OR e.closed_on > date('now') THEN 'active' ELSE 'closed' END AS status,
       e.email, e.phone, e.www, e.latitude, e.longitude, e.capacity, e.operator_id, e.operator_teryt, e.note,
       e.version, e.created_at, e.updated_at
FROM entities e
LEFT JOIN teryt_units g ON g.code = e.teryt
LEFT JOIN teryt_units p ON p.code = substr(e.teryt, 1, 4)
LEFT JOIN teryt_units w ON w.code = substr(e.teryt, 1, 2);

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

-- One row per period in which an entity held a certificate, as the registry knows it now:
-- holders on a day D are the rows with held_from <= D AND held_to >= D.
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

-- Entities without identifiers (many CIS and KIS) are matched on re-import by name; listings sort by it.
CREATE INDEX entities_name ON entities (name);
