/// A JSON value with a canonical text form (keys sorted, no spaces, minimal escapes), so the same
/// state always hashes the same in the audit log; also what the CLI prints for `--format json`.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `.null` for nil, otherwise `.string`.
    public static func string(_ text: String?) -> JSONValue {
        text.map { .string($0) } ?? .null
    }

    /// `.null` for nil, otherwise `.int`.
    public static func int(_ number: Int?) -> JSONValue {
        number.map { .int($0) } ?? .null
    }

    /// `.null` for nil, otherwise `.double`.
    public static func double(_ number: Double?) -> JSONValue {
        number.map { .double($0) } ?? .null
    }

    /// Canonical text: sorted keys, no insignificant white space.
    public var canonical: String {
        var output = JSONBuffer()
        write(to: &output, indent: nil, level: 0)
        return output.string
    }

    /// Text for people: sorted keys, two-space indentation.
    public var pretty: String {
        var output = JSONBuffer()
        write(to: &output, indent: "  ", level: 0)
        return output.string
    }

    private func write(to output: inout JSONBuffer, indent: String?, level: Int) {
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .double(value):
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
                output += String(Int64(value))
            } else if value.isFinite {
                output += String(value)
            } else {
                output += "null"
            }
        case let .string(value): Self.writeString(value, to: &output)
        case let .array(items):
            if items.isEmpty { output += "[]"; return }
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                newline(&output, indent, level + 1)
                item.write(to: &output, indent: indent, level: level + 1)
            }
            newline(&output, indent, level)
            output += "]"
        case let .object(members):
            if members.isEmpty { output += "{}"; return }
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                newline(&output, indent, level + 1)
                Self.writeString(key, to: &output)
                output += indent == nil ? ":" : ": "
                members[key, default: .null].write(to: &output, indent: indent, level: level + 1)
            }
            newline(&output, indent, level)
            output += "}"
        }
    }

    private func newline(_ output: inout JSONBuffer, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        output += "\n" + String(repeating: indent, count: level)
    }

    /// Appends `value` as a JSON string literal: runs of plain bytes are copied at once, and only
    /// quotes, backslashes and control characters are escaped (the audit log escapes whole JSON texts).
    static func writeString(_ value: String, to output: inout JSONBuffer) {
        output.bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte == 0x22 || byte == 0x5C || byte < 0x20 else { continue }
                if start < index { output.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                output.bytes.append(0x5C)
                switch byte {
                case 0x22, 0x5C: output.bytes.append(byte)
                case 0x0A: output.bytes.append(UInt8(ascii: "n"))
                case 0x0D: output.bytes.append(UInt8(ascii: "r"))
                case 0x09: output.bytes.append(UInt8(ascii: "t"))
                case 0x08: output.bytes.append(UInt8(ascii: "b"))
                case 0x0C: output.bytes.append(UInt8(ascii: "f"))
                default:
                    output.bytes.append(UInt8(ascii: "u"))
                    output.bytes.append(0x30)
                    output.bytes.append(0x30)
                    output.bytes.append(hexDigit(byte >> 4))
                    output.bytes.append(hexDigit(byte & 15))
                }
                start = index + 1
            }
            if start < utf8.count { output.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        output.bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x57 + value
    }
}

/// JSON text being built, as UTF-8 bytes (appending to a String was the audit log's hot spot).
struct JSONBuffer {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    static func += (buffer: inout JSONBuffer, text: String) {
        buffer.bytes.append(contentsOf: text.utf8)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
