import Foundation

extension Registry {
    var entities: EntityStore { EntityStore(database: database, audit: audit, search: search) }

    func validator() throws -> EntityValidator {
        EntityValidator(terytCodes: try terytCodes(), today: today, resolveOperator: { try self.resolveEntity($0) })
    }

    /// Adds a new entity and returns it (version 1, in effect from its founding date).
    @discardableResult
    public func addEntity(_ input: EntityInput, reason: String? = nil) throws -> Entity {
        let fields = try validator().fields(from: input, base: nil)
        return try write { context in
            try entities.checkUnique(fields, exceptID: nil)
            let life = EntityTimeline.life(foundedOn: fields.foundedOn, closedOn: nil, createdAt: context.recordedAt)
            let entity = Entity(
                id: Identifier.make(at: clock.date()), version: 1, fields: fields, closedOn: nil, closeReason: nil,
                createdAt: context.recordedAt, updatedAt: context.recordedAt, effectiveOn: LocalDate(iso: life.start))
            try entities.save(entity, previous: nil, change: "add", reason: reason, context: context)
            return entity
        }
    }

    /// Applies `input` to the entity `reference` from `effectiveOn` (today when nil; a past day
    /// changes the answers for days from then on, a future one is a scheduled change); returns the
    /// entity and whether anything changed (an update that changes nothing records no version).
    @discardableResult
    public func updateEntity(
        _ reference: String, _ input: EntityInput, reason: String? = nil, effectiveOn: LocalDate? = nil
    ) throws -> (entity: Entity, changed: Bool) {
        try write { context in
            let current = try entity(reference)
            let validator = try self.validator()
            let fields = try validator.fields(from: input, base: current.fields)
            guard fields != current.fields else { return (current, false) }
            if fields.foundedOn != current.fields.foundedOn {
                try validator.rules.checkClosing(current.closedOn, of: fields, entityID: current.id, changed: .foundedOn)
            }
            try entities.checkUnique(fields, exceptID: current.id)
            // A date given is held to the entity's life; the default is within it wherever it can be.
            if let effectiveOn {
                try Self.checkEffectiveDate(effectiveOn, entity: current.id, foundedOn: fields.foundedOn, closedOn: current.closedOn)
            }
            let day = effectiveOn ?? Self.defaultEffectiveDate(today: today, foundedOn: fields.foundedOn, closedOn: current.closedOn)
            let updated = Entity(
                id: current.id, version: current.version + 1, fields: fields, closedOn: current.closedOn,
                closeReason: current.closeReason, createdAt: current.createdAt, updatedAt: context.recordedAt,
                effectiveOn: day)
            try entities.save(updated, previous: current, change: "update", reason: reason, context: context)
            return (updated, true)
        }
    }

    /// The day a change given without an effective date holds from: today; for an entity closed
    /// by then, its last day open (the change corrects its last version; the day after its
    /// closing would be refused), but never before its founding.
    static func defaultEffectiveDate(today: LocalDate, foundedOn: LocalDate?, closedOn: LocalDate?) -> LocalDate {
        guard let closedOn, closedOn <= today else { return today }
        let lastDay = closedOn.adding(days: -1)
        return foundedOn.map { max($0, lastDay) } ?? lastDay
    }

    /// Refuses an effective date outside the entity's life: before its founding date, or on or
    /// after its closing date (its first day closed).
    static func checkEffectiveDate(_ day: LocalDate, entity id: String, foundedOn: LocalDate?, closedOn: LocalDate?) throws {
        if let founded = foundedOn, day < founded {
            throw RegistryError.invalidValue(
                field: "effective_on", value: day.description,
                rule: "is before the founding date \(founded) of entity \(id)")
        }
        if let closed = closedOn, day >= closed {
            throw RegistryError.invalidValue(
                field: "effective_on", value: day.description,
                rule: "is on or after the closing date \(closed) of entity \(id)")
        }
    }

    /// Records that the entity `reference` closed on `date` (entities are never deleted).
    @discardableResult
    public func closeEntity(_ reference: String, on date: LocalDate, reason: String? = nil) throws -> Entity {
        try write { context in
            let current = try entity(reference)
            if let closed = current.closedOn {
                throw RegistryError.invalidValue(
                    field: "closed_on", value: date.description,
                    rule: "entity \(current.id) is already closed (on \(closed))")
            }
            if let founded = current.fields.foundedOn, date < founded {
                throw RegistryError.invalidValue(
                    field: "closed_on", value: date.description,
                    rule: "is before the founding date \(founded)")
            }
            let closed = Entity(
                id: current.id, version: current.version + 1, fields: current.fields, closedOn: date,
                closeReason: reason, createdAt: current.createdAt, updatedAt: context.recordedAt, effectiveOn: date)
            try entities.save(closed, previous: current, change: "close", reason: reason, context: context)
            return closed
        }
    }

    /// The entity that `reference` (id, NIP, REGON or KRS) names, as the registry holds it now
    /// (its latest recorded version).
    public func entity(_ reference: String) throws -> Entity {
        let id = try resolveEntity(reference)
        guard let entity = try entities.entity(id: id) else {
            throw RegistryError.notFound(kind: "entity", reference: reference)
        }
        return entity
    }

    /// The entity `reference` as it was on `day` (today when nil), as the registry knew it at
    /// `recordedAt` (now when nil): the version in effect that day, with that day's status.
    public func entity(_ reference: String, on day: LocalDate?, recordedAt: String?) throws -> Entity {
        let id = try resolveEntity(reference)
        let day = day ?? today
        if let state = try entities.state(id: id, on: day, cutoff: recordedAt) { return state }
        let versions = try entityHistory(reference, recordedAt: recordedAt)
        guard let latest = versions.last?.entity else {
            throw RegistryError.notFound(kind: "entity", reference: "\(reference) (not recorded by \(recordedAt ?? "now"))")
        }
        let start = EntityTimeline.life(foundedOn: latest.fields.foundedOn, closedOn: nil, createdAt: latest.createdAt).start
        throw RegistryError.invalidValue(
            field: "on", value: day.description, rule: "is before entity \(id) existed (from \(start))")
    }

    /// Every version of the entity `reference` recorded by `recordedAt` (all when nil), oldest
    /// first; with `day`, each says whether it is the one in effect that day.
    public func entityHistory(_ reference: String, on day: LocalDate? = nil, recordedAt: String? = nil) throws -> [EntityVersion] {
        var versions = try entities.versions(id: resolveEntity(reference))
        if let recordedAt { versions = versions.filter { $0.recordedAt <= recordedAt } }
        guard let day, let latest = versions.last?.entity else { return versions }
        let life = EntityTimeline.life(foundedOn: latest.fields.foundedOn, closedOn: latest.closedOn, createdAt: latest.createdAt)
        let ranges = EntityTimeline.ranges(
            versions.map { EntityTimeline.Version(
                version: $0.entity.version, effectiveOn: $0.entity.effectiveOn?.description ?? "",
                kind: $0.entity.fields.kind.rawValue, teryt: $0.entity.fields.teryt) },
            start: life.start, end: life.end)
        let inEffect = ranges.first { $0.from <= day.description && day.description < $0.to }?.version.version
        return versions.map { version in
            var marked = version
            marked.inEffect = version.entity.version == inEffect
            return marked
        }
    }

    /// Resolves an entity reference to its id: a registry id, a NIP, REGON or KRS (digits with or
    /// without dashes; a `nip:`, `regon:` or `krs:` prefix says which when a number could be either).
    public func resolveEntity(_ reference: String) throws -> String {
        let trimmed = reference.trimmed
        if Identifier.isIdentifier(trimmed) {
            let id = trimmed.lowercased()
            guard try !entities.ids(where: "id", equals: id).isEmpty else {
                throw RegistryError.notFound(kind: "entity", reference: reference)
            }
            return id
        }
        let lowered = trimmed.lowercased()
        for (prefix, field) in [("nip:", "nip"), ("regon:", "regon"), ("krs:", "krs")] where lowered.hasPrefix(prefix) {
            let value = String(trimmed.dropFirst(prefix.count))
            let normalized: String
            switch field {
            case "nip": normalized = try NIP(value).digits
            case "regon": normalized = try REGON(value).digits
            default: normalized = try KRS(value).digits
            }
            guard let id = try entities.ids(where: field, equals: normalized).first else {
                throw RegistryError.notFound(kind: "entity", reference: reference)
            }
            return id
        }
        var digits = lowered.filter { $0 != "-" && $0 != " " }
        if digits.hasPrefix("pl") { digits.removeFirst(2) }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw RegistryError.notFound(kind: "entity", reference: reference)
        }
        var matches: [(String, String)] = []
        if digits.count == 10 {
            matches += try entities.ids(where: "nip", equals: digits).map { ($0, "NIP") }
        }
        if digits.count == 9 || digits.count == 14 {
            matches += try entities.ids(where: "regon", equals: digits).map { ($0, "REGON") }
        }
        if digits.count <= 10 {
            let krs = String(repeating: "0", count: 10 - digits.count) + digits
            matches += try entities.ids(where: "krs", equals: krs).map { ($0, "KRS") }
        }
        let ids = Set(matches.map(\.0))
        switch ids.count {
        case 0: throw RegistryError.notFound(kind: "entity", reference: reference)
        case 1: return matches[0].0
        default:
            throw RegistryError.ambiguous(
                kind: "entity", reference: reference,
                candidates: matches.map { "\($0.0) by \($0.1) (use nip:… or krs:…)" })
        }
    }
}
