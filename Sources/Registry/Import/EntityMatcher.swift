/// Which entity an entity row is about, and whether an earlier row of the same file named it
/// already: a second row naming one entity is an error.
///
/// A row matches by id, else NIP, else KRS, else REGON; a row without identifiers by kind, name
/// and commune. In a first load into an empty registry (`BulkLoad`) nothing in the database can
/// match a row and the lookup indexes are set aside: rows are matched only against earlier rows of
/// the file, and two rows with one identifier are found by the indexes (at a registry id's insert,
/// or when the others are built again).
struct EntityMatcher {
    private let store: EntityStore
    /// True while matching only within the file (`matchWithinFile`).
    private(set) var withinFile = false
    /// Entity rowid → the record of this file that named the entity by an identifier (0: none).
    /// Four bytes per entity, so memory stays flat however large the file, where a set of every
    /// identifier seen did not.
    private var claimedBy: [Int32] = []
    /// Within the file: the entities inserted so far without a NIP, KRS or REGON (with a registry id
    /// or not), by kind, name and commune; nil where there are two, as the registry's own look-up
    /// (`EntityStore.entityWithoutIdentifiers`) then matches neither.
    private var withoutIdentifiers: [String: Int64?] = [:]
    /// Within the file: the record that inserted each entity, kept as runs of consecutive rowids
    /// whose record is the rowid plus `offset` (a new run only where rows in between inserted
    /// nothing), so a first load pays nothing per row for the claims a fallback needs.
    private var insertedRuns: [(rowid: Int64, offset: Int64)] = []
    private var lastInserted: Int64 = 0
    /// Within the file: an entity was inserted with an id and no other identifier. A fall-back after
    /// one is a rerun, which is right whatever the rows were: in place, it would rest on the look-up
    /// by kind, name and commune within the file agreeing exactly with the registry's.
    private var insertedWithOnlyAnID = false

    init(store: EntityStore) {
        self.store = store
    }

    /// From here on, rows are matched only against earlier rows of the file.
    mutating func matchWithinFile() {
        withinFile = true
    }

    /// From here on, rows are matched through the registry's lookup indexes (which must be built
    /// again by now), with every entity inserted so far claimed by the record that inserted it.
    /// False (and nothing changed) when the rows so far were matched otherwise than they would
    /// have been that way.
    mutating func matchThroughRegistry() -> Bool {
        guard withinFile else { return true }
        guard !insertedWithOnlyAnID else { return false }
        withinFile = false
        for (index, run) in insertedRuns.enumerated() {
            let end = index + 1 < insertedRuns.count ? insertedRuns[index + 1].rowid - 1 : lastInserted
            guard run.rowid <= end else { continue }
            for rowid in run.rowid...end { claim(rowid, record: Int(rowid + run.offset)) }
        }
        (withoutIdentifiers, insertedRuns) = ([:], [])
        return true
    }

    /// The entity the row's identifiers name, looked up in that order; refused when an earlier
    /// record of the file named it. None within the file (nothing there can match).
    func entity(id: String?, nip: String?, krs: String?, regon: String?) throws -> (rowid: Int64, entity: Entity)? {
        guard !withinFile else { return nil }
        for (column, value) in [("id", id), ("nip", nip), ("krs", krs), ("regon", regon)] {
            guard let value, let match = try store.entityAndRowid(where: column, equals: value) else { continue }
            if let first = claimedBy.indices.contains(Int(match.rowid)) ? claimedBy[Int(match.rowid)] : nil, first != 0 {
                throw RegistryError.invalidValue(
                    field: column, value: value, rule: "already given in record \(first) of this file")
            }
            return match
        }
        return nil
    }

    /// The one entity without identifiers of the row's kind, name and commune. Units such as CIS or
    /// KIS often have no identifiers of their own: matched so, re-importing a file does not add them twice.
    func entityWithoutIdentifiers(_ fields: EntityFields) throws -> (rowid: Int64, entity: Entity)? {
        guard withinFile else {
            return try store.entityWithoutIdentifiers(kind: fields.kind, name: fields.name, teryt: fields.teryt)
        }
        guard let found = withoutIdentifiers[Self.unitKey(fields)], let rowid = found,
              let entity = try store.entity(rowid: rowid)
        else {
            return nil
        }
        return (rowid, entity)
    }

    /// Records that `record` inserted the entity at `rowid` with `fields`, and named it by
    /// `id` or the fields' identifiers if it has any.
    mutating func inserted(_ rowid: Int64, record: Int, id: String?, fields: EntityFields) {
        let otherIdentifiers = fields.nip != nil || fields.krs != nil || fields.regon != nil
        guard withinFile else {
            if id != nil || otherIdentifiers { claim(rowid, record: record) }
            return
        }
        if !otherIdentifiers {
            let key = Self.unitKey(fields)
            if withoutIdentifiers.index(forKey: key) == nil {
                withoutIdentifiers[key] = rowid
            } else {
                withoutIdentifiers.updateValue(nil, forKey: key)
            }
        }
        if id != nil && !otherIdentifiers { insertedWithOnlyAnID = true }
        let offset = Int64(record) - rowid
        if insertedRuns.last?.offset != offset || rowid != lastInserted + 1 { insertedRuns.append((rowid, offset)) }
        lastInserted = rowid
    }

    /// Records that `record` named the existing entity at `rowid` by an identifier (lookups find it
    /// from then on). Within the file nothing is looked up: the unique indexes find clashes.
    mutating func claim(_ rowid: Int64, record: Int) {
        guard !withinFile, rowid >= 0 else { return }
        let index = Int(rowid)
        if index >= claimedBy.count {
            claimedBy.append(contentsOf: repeatElement(0, count: max(index + 1 - claimedBy.count, claimedBy.count / 2)))
        }
        claimedBy[index] = Int32(clamping: record)
    }

    private static func unitKey(_ fields: EntityFields) -> String {
        [fields.kind.rawValue, fields.name, fields.teryt ?? ""].joined(separator: "\u{1F}")
    }
}
