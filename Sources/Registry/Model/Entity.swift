/// The validated, normalised attributes of an entity (identifiers as plain digits, dates ISO).
public struct EntityFields: Equatable, Sendable {
    public var kind: EntityKind
    public var name: String
    public var nip: String?
    public var regon: String?
    public var krs: String?
    public var pkd: String?
    public var street: String?
    public var postalCode: String?
    public var city: String?
    public var teryt: String?
    public var foundedOn: LocalDate?
    public var email: String?
    public var phone: String?
    public var www: String?
    public var latitude: Double?
    public var longitude: Double?
    public var capacity: Int?
    public var operatorID: String?
    public var operatorTeryt: String?
    public var note: String?

    /// Fields with only the two that every entity must have.
    public init(kind: EntityKind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The field's value as text, as it is stored and exported ("" for none).
    public func text(_ field: EntityField) -> String? {
        switch field {
        case .kind: return kind.rawValue
        case .name: return name
        case .nip: return nip
        case .regon: return regon
        case .krs: return krs
        case .pkd: return pkd
        case .street: return street
        case .postalCode: return postalCode
        case .city: return city
        case .teryt: return teryt
        case .foundedOn: return foundedOn?.description
        case .email: return email
        case .phone: return phone
        case .www: return www
        case .latitude: return latitude.map { String($0) }
        case .longitude: return longitude.map { String($0) }
        case .capacity: return capacity.map { String($0) }
        case .operatorID: return operatorID
        case .operatorTeryt: return operatorTeryt
        case .note: return note
        }
    }

    /// Sets `field` to its value in `other` (an import row's cell over the entity it updates).
    mutating func take(_ field: EntityField, from other: EntityFields) {
        switch field {
        case .kind: kind = other.kind
        case .name: name = other.name
        case .nip: nip = other.nip
        case .regon: regon = other.regon
        case .krs: krs = other.krs
        case .pkd: pkd = other.pkd
        case .street: street = other.street
        case .postalCode: postalCode = other.postalCode
        case .city: city = other.city
        case .teryt: teryt = other.teryt
        case .foundedOn: foundedOn = other.foundedOn
        case .email: email = other.email
        case .phone: phone = other.phone
        case .www: www = other.www
        case .latitude: latitude = other.latitude
        case .longitude: longitude = other.longitude
        case .capacity: capacity = other.capacity
        case .operatorID: operatorID = other.operatorID
        case .operatorTeryt: operatorTeryt = other.operatorTeryt
        case .note: note = other.note
        }
    }

    /// The fields as a JSON object with snake_case keys (absent values as null).
    public var json: [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for field in EntityField.allCases {
            switch field {
            case .latitude: object[field.rawValue] = .double(latitude)
            case .longitude: object[field.rawValue] = .double(longitude)
            case .capacity: object[field.rawValue] = .int(capacity)
            default: object[field.rawValue] = .string(text(field))
            }
        }
        return object
    }
}

/// An entity as the registry holds it now (or held it at some version).
public struct Entity: Equatable, Sendable {
    /// Stable registry id (UUIDv7).
    public let id: String
    /// Version number: 1 when added, +1 on every recorded change.
    public let version: Int
    public let fields: EntityFields
    public let closedOn: LocalDate?
    public let closeReason: String?
    /// When the registry first recorded the entity.
    public let createdAt: String
    /// When the registry recorded this version.
    public let updatedAt: String
    /// The day this version starts to hold in the world (the first version: from the founding).
    public internal(set) var effectiveOn: LocalDate? = nil

    /// The day this entity is shown for (`--on`), when it was read as of a day.
    public internal(set) var day: LocalDate? = nil

    /// `closed` from its closing date on (on `day`, or at all when read without one), else `active`.
    public var status: String {
        guard let closedOn else { return "active" }
        return day.map { closedOn <= $0 ? "closed" : "active" } ?? "closed"
    }

    /// The entity as a JSON object with snake_case keys.
    public var json: JSONValue {
        var object = fields.json
        object["id"] = .string(id)
        object["version"] = .int(version)
        object["status"] = .string(status)
        object["closed_on"] = .string(closedOn?.description)
        object["close_reason"] = .string(closeReason)
        object["created_at"] = .string(createdAt)
        object["updated_at"] = .string(updatedAt)
        object["effective_on"] = .string(effectiveOn?.description)
        return .object(object)
    }

    /// Canonical JSON text of `auditState`, written directly (imports write one per row).
    var auditText: String {
        var buffer = JSONBuffer()
        buffer.bytes.reserveCapacity(640)
        buffer += "{"
        for (index, key) in Self.auditKeys.enumerated() {
            if index > 0 { buffer += "," }
            JSONValue.writeString(key.name, to: &buffer)
            buffer += ":"
            let text: String?
            switch key.value {
            case let .field(field):
                switch field {
                case .latitude: buffer += JSONValue.double(fields.latitude).canonical; continue
                case .longitude: buffer += JSONValue.double(fields.longitude).canonical; continue
                case .capacity: buffer += JSONValue.int(fields.capacity).canonical; continue
                default: text = fields.text(field)
                }
            case .id: text = id
            case .version: buffer += String(version); continue
            case .closedOn: text = closedOn?.description
            case .closeReason: text = closeReason
            }
            if let text { JSONValue.writeString(text, to: &buffer) } else { buffer += "null" }
        }
        buffer += "}"
        return buffer.string
    }

    private enum AuditKey {
        case field(EntityField), id, version, closedOn, closeReason
    }

    /// The keys of `auditState` in canonical (sorted) order.
    private static let auditKeys: [(name: String, value: AuditKey)] = (
        EntityField.allCases.map { ($0.rawValue, AuditKey.field($0)) }
            + [("id", .id), ("version", .version), ("closed_on", .closedOn), ("close_reason", .closeReason)]
    ).sorted { $0.0 < $1.0 }

    /// The state recorded in history and in the audit log (what the entity says, without bookkeeping).
    var auditState: JSONValue {
        var object = fields.json
        object["id"] = .string(id)
        object["version"] = .int(version)
        object["closed_on"] = .string(closedOn?.description)
        object["close_reason"] = .string(closeReason)
        return .object(object)
    }
}

/// One recorded version of an entity, with who recorded it, when and why.
public struct EntityVersion: Equatable, Sendable {
    public let entity: Entity
    /// `add`, `update`, `close` or `reopen`.
    public let change: String
    public let reason: String?
    public let recordedAt: String
    public let actor: String
    public let batchID: String?
    /// Whether this version is the one in effect on the day asked about (nil when none was).
    public internal(set) var inEffect: Bool? = nil

    /// The version as a JSON object with snake_case keys.
    public var json: JSONValue {
        guard case var .object(object) = entity.json else { return entity.json }
        object["change"] = .string(change)
        object["reason"] = .string(reason)
        object["recorded_at"] = .string(recordedAt)
        object["actor"] = .string(actor)
        object["batch_id"] = .string(batchID)
        if let inEffect { object["in_effect"] = .bool(inEffect) }
        object.removeValue(forKey: "created_at")
        object.removeValue(forKey: "updated_at")
        return .object(object)
    }
}
