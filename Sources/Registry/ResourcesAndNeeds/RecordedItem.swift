/// A resource or a need as callers see it: its `record`'s members read through (`need.id`), plus
/// the kind's own.
@dynamicMemberLookup
public protocol RecordedItem: Sendable {
    var record: ItemRecord { get }
}

extension RecordedItem {
    public subscript<Value>(dynamicMember path: KeyPath<ItemRecord, Value>) -> Value { record[keyPath: path] }
}
