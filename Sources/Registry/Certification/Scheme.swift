/// A certification scheme or status: who issues it, for how long, to which kinds of entity.
public struct Scheme: Equatable, Sendable {
    /// e.g. `zakup-prospoleczny`.
    public let code: String
    public let name: String
    /// The issuing body, e.g. `wojewoda (decyzja administracyjna)`.
    public let issuerType: String
    /// Default validity in months; nil for open-ended statuses.
    public let defaultValidityMonths: Int?
    /// Whether a certificate names the products or services it covers (its scope).
    public let scoped: Bool
    public let eligibleKinds: [EntityKind]
    public let description: String?

    public init(code: String, name: String, issuerType: String, defaultValidityMonths: Int?, scoped: Bool,
                eligibleKinds: [EntityKind], description: String? = nil) {
        self.code = code
        self.name = name
        self.issuerType = issuerType
        self.defaultValidityMonths = defaultValidityMonths
        self.scoped = scoped
        self.eligibleKinds = eligibleKinds
        self.description = description
    }

    /// The end of validity for a certificate valid from `start`, when the scheme has a default
    /// validity: one year from 2019-06-01 ends on 2020-05-31.
    public func defaultValidTo(from start: LocalDate) -> LocalDate? {
        defaultValidityMonths.map { start.adding(months: $0).adding(days: -1) }
    }

    /// The scheme as a JSON object with snake_case keys.
    public var json: JSONValue {
        .object([
            "code": .string(code), "name": .string(name), "issuer_type": .string(issuerType),
            "default_validity_months": .int(defaultValidityMonths), "scoped": .bool(scoped),
            "eligible_kinds": .array(eligibleKinds.map { .string($0.rawValue) }), "description": .string(description),
        ])
    }
}
