/// When an entity exists in the world: from its founding date (or, without one, from the Polish
/// day it was first recorded) up to the day before its closing date, the first day it is closed.
extension Entity {
    /// The first day the entity exists; nil only if its recorded time is not a registry stamp.
    public var lifespanStart: LocalDate? {
        Self.lifespanStart(foundedOn: fields.foundedOn, createdAt: createdAt)
    }

    /// The rule, for callers holding the dates only (`EntityTimeline`).
    static func lifespanStart(foundedOn: LocalDate?, createdAt: String) -> LocalDate? {
        foundedOn ?? WarsawTime.day(ofStamp: createdAt)
    }

    /// True when the entity exists on `day` (founding date ≤ day < closing date).
    public func exists(on day: LocalDate) -> Bool {
        guard let start = lifespanStart, start <= day else { return false }
        return closedOn.map { day < $0 } ?? true
    }

    /// Why the entity does not exist on `day`, naming it and the date that rules the day out;
    /// nil when it exists.
    func absence(on day: LocalDate) -> String? {
        guard !exists(on: day) else { return nil }
        if let closed = closedOn, day >= closed {
            return "entity \(id) does not exist on \(day): it closed on \(closed) (its first day closed)"
        }
        if let founded = fields.foundedOn {
            return "entity \(id) does not exist on \(day): it was founded on \(founded)"
        }
        let recorded = lifespanStart?.description ?? createdAt
        return "entity \(id) does not exist on \(day): it has no founding date and was first recorded on \(recorded)"
    }
}
