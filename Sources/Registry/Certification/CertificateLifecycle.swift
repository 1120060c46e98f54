/// Where a certificate stands on a given day.
public enum CertificateState: String, Sendable, CaseIterable {
    /// Granted, but its validity has not started yet.
    case pending = "not yet valid"
    case active, suspended, revoked, expired
}

/// The certificate state machine: which event may follow in which state, and why not.
public enum CertificateLifecycle {
    /// nil when `event` is allowed in `state`, otherwise the reason it is refused.
    public static func refusal(of event: CertificateEventType, in state: CertificateState, validTo: LocalDate?) -> String? {
        let expiry = validTo.map { "it expired on \($0)" } ?? "it expired"
        switch (event, state) {
        case (.granted, _):
            return "it is already granted; record a renewal or a correction instead"
        case (.corrected, _):
            return nil
        case (.renewed, .active), (.renewed, .pending), (.renewed, .expired),
             (.suspended, .active), (.suspended, .pending), (.reinstated, .suspended),
             (.revoked, .active), (.revoked, .pending), (.revoked, .suspended):
            return nil
        case (.renewed, .revoked), (.suspended, .revoked), (.reinstated, .revoked):
            return "a revoked certificate cannot be \(event.rawValue)"
        case (.suspended, .suspended), (.revoked, .revoked):
            return "it is already \(event.rawValue)"
        case (.renewed, .suspended):
            return "a suspended certificate must be reinstated before it is renewed"
        case (.suspended, .expired):
            return "\(expiry); an expired certificate cannot be suspended"
        case (.reinstated, .active), (.reinstated, .pending):
            return "it is not suspended"
        case (.reinstated, .expired):
            return "\(expiry); renew it instead"
        case (.revoked, .expired):
            return "\(expiry); there is nothing to revoke"
        }
    }
}

/// An event as it counts when replaying: the original event's type, with the content of its
/// latest correction known at the time asked about.
struct EffectiveEvent: Equatable, Sendable {
    let rootID: String
    let type: CertificateEventType
    let effectiveOn: LocalDate
    let validFrom: LocalDate?
    let validTo: LocalDate?
    let decisionNo: String?
    let decidedOn: LocalDate?
    let issuer: String?
    let scope: String?
    let reason: String?
    let recordedAt: String

    init(root: CertificateEvent, content: CertificateEvent) {
        rootID = root.id
        type = root.type
        effectiveOn = content.effectiveOn
        validFrom = content.validFrom
        validTo = content.validTo
        decisionNo = content.decisionNo
        decidedOn = content.decidedOn
        issuer = content.issuer
        scope = content.scope
        reason = content.reason
        recordedAt = root.recordedAt
    }
}

/// A certificate's events replayed: its state on any day and the periods in which it was held.
struct CertificateTimeline: Sendable {
    let certificateID: String
    /// In valid-time order.
    let events: [EffectiveEvent]

    /// Builds the timeline from every recorded event, keeping only what was recorded by `knownAt`
    /// (nil: everything) and applying the latest correction of each event.
    init(certificateID: String, events recorded: [CertificateEvent], knownAt: String? = nil) {
        self.certificateID = certificateID
        let known = recorded.filter { event in knownAt.map { event.recordedAt <= $0 } ?? true }
            .sorted { ($0.recordedAt, $0.id) < ($1.recordedAt, $1.id) }
        var content: [String: CertificateEvent] = [:]
        var roots: [CertificateEvent] = []
        for event in known {
            if event.type == .corrected, let target = event.corrects {
                content[target] = event
            } else {
                roots.append(event)
            }
        }
        events = roots.map { EffectiveEvent(root: $0, content: content[$0.id] ?? $0) }
            .sorted { Self.order($0) < Self.order($1) }
    }

    init(certificateID: String, effective: [EffectiveEvent]) {
        self.certificateID = certificateID
        events = effective.sorted { Self.order($0) < Self.order($1) }
    }

    private static func order(_ event: EffectiveEvent) -> (Int, Int, String) {
        (event.effectiveOn.daysSinceEpoch, event.type == .granted ? 0 : 1, event.recordedAt)
    }

    var grant: EffectiveEvent? { events.first { $0.type == .granted } }

    /// Validity as the events up to and including `day` set it (all events when nil).
    func validity(asOf day: LocalDate? = nil) -> (from: LocalDate?, to: LocalDate?) {
        var from: LocalDate?
        var to: LocalDate?
        for event in events where day.map({ event.effectiveOn <= $0 }) ?? true {
            switch event.type {
            case .granted:
                from = event.validFrom ?? event.effectiveOn
                to = event.validTo
            case .renewed:
                to = event.validTo
            default: break
            }
        }
        return (from, to)
    }

    /// The days the certificate is valid, as the events set it: from the start to the end of its
    /// validity (9999-12-31 when open), cut short by a revocation (its day is the first not
    /// valid); nil when that leaves no day. Suspensions do not shorten it: the certificate stands.
    var validitySpan: (from: LocalDate, to: LocalDate)? {
        let validity = validity()
        guard let from = validity.from else { return nil }
        var to = validity.to ?? Self.openEnd
        if let revoked = events.first(where: { $0.type == .revoked }) {
            to = min(to, revoked.effectiveOn.adding(days: -1))
        }
        return to < from ? nil : (from, to)
    }

    /// The latest scope the events carry.
    var scope: String? { events.last { $0.scope != nil }?.scope }

    /// The state on `day`, from the events that took effect by then.
    func state(on day: LocalDate) -> CertificateState {
        state(on: day, events: events)
    }

    private func state(on day: LocalDate, events: [EffectiveEvent]) -> CertificateState {
        var from: LocalDate?
        var to: LocalDate?
        var suspended = false
        var revoked = false
        for event in events where event.effectiveOn <= day {
            switch event.type {
            case .granted:
                from = event.validFrom ?? event.effectiveOn
                to = event.validTo
            case .renewed:
                to = event.validTo
                suspended = false
            case .suspended: suspended = true
            case .reinstated: suspended = false
            case .revoked: revoked = true
            case .corrected: break
            }
        }
        guard let from, day >= from else { return .pending }
        if revoked { return .revoked }
        if let to, day > to { return .expired }
        return suspended ? .suspended : .active
    }

    /// True when the certificate was held (active) on `day`.
    func isHeld(on day: LocalDate) -> Bool { state(on: day) == .active }

    /// The day ranges in which the certificate was held; an open end is 9999-12-31.
    var periods: [(from: LocalDate, to: LocalDate)] {
        // The state only changes at these days, so checking each boundary is exact.
        var boundaries = Set<Int>()
        for event in events {
            boundaries.insert(event.effectiveOn.daysSinceEpoch)
            if let from = event.validFrom { boundaries.insert(from.daysSinceEpoch) }
            if let to = event.validTo { boundaries.insert(to.daysSinceEpoch + 1) }
        }
        let sorted = boundaries.sorted()
        var periods: [(from: LocalDate, to: LocalDate)] = []
        for (index, start) in sorted.enumerated() {
            let day = LocalDate(daysSinceEpoch: start)
            guard isHeld(on: day) else { continue }
            let end = index + 1 < sorted.count ? LocalDate(daysSinceEpoch: sorted[index + 1] - 1) : Self.openEnd
            if let last = periods.last, last.to.daysSinceEpoch + 1 == start {
                periods[periods.count - 1].to = end
            } else {
                periods.append((day, end))
            }
        }
        return periods
    }

    static let openEnd = LocalDate(year: 9999, month: 12, day: 31) ?? LocalDate(daysSinceEpoch: 2_932_896)

    /// Replays the events in order and checks each against the state machine.
    func validate() throws {
        guard let first = events.first, first.type == .granted else {
            throw RegistryError.invalidTransition(
                certificate: certificateID, state: "not granted", event: events.first?.type.rawValue ?? "event",
                reason: "a certificate's first event must be its grant")
        }
        if let from = first.validFrom, let to = first.validTo, to < from {
            throw RegistryError.invalidValue(field: "valid_to", value: to.description, rule: "is before valid_from \(from)")
        }
        for index in events.indices.dropFirst() {
            let event = events[index]
            let before = Array(events[..<index])
            let state = self.state(on: event.effectiveOn, events: before)
            let validTo = CertificateTimeline(certificateID: certificateID, effective: before).validity().to
            if let reason = CertificateLifecycle.refusal(of: event.type, in: state, validTo: validTo) {
                throw RegistryError.invalidTransition(
                    certificate: certificateID, state: state.rawValue, event: event.type.rawValue, reason: reason)
            }
            if event.type == .renewed {
                guard let current = validTo else {
                    throw RegistryError.invalidTransition(
                        certificate: certificateID, state: state.rawValue, event: "renewed",
                        reason: "it is open-ended and needs no renewal")
                }
                guard let newEnd = event.validTo, newEnd > current else {
                    throw RegistryError.invalidTransition(
                        certificate: certificateID, state: state.rawValue, event: "renewed",
                        reason: "a renewal must move the end of validity past \(current)")
                }
            }
        }
    }
}
