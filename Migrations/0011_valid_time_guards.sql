-- The append-only guards migration 0010 lifted for its data step, back as they were.
CREATE TRIGGER entity_versions_no_update BEFORE UPDATE ON entity_versions
BEGIN SELECT RAISE(ABORT, 'entity_versions is append-only'); END;

CREATE TRIGGER entities_keep_history BEFORE UPDATE ON entities
WHEN NEW.version <> OLD.version + 1
  OR NOT EXISTS (SELECT 1 FROM entity_versions v WHERE v.entity_id = OLD.id AND v.version = OLD.version)
BEGIN SELECT RAISE(ABORT, 'entities: a new version must follow the current one, which must be kept in entity_versions first'); END;
