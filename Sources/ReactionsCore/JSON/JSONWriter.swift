/// Serialises `JSON` deterministically: the same value always gives the same bytes.
///
/// `pretty` is the house style used by `fmt`, plans and state: two-space indent, one
/// member per line, arrays of scalars that fit on one line stay on one line.
public struct JSONWriter: Sendable {
    public enum Style: Sendable { case compact, pretty }

    public var style: Style
    /// Arrays of scalars whose one-line form is at most this wide stay inline when pretty.
    public var inlineWidth = 72

    public init(style: Style = .pretty) { self.style = style }

    public func string(_ value: JSON) -> String {
        var out = ""
        write(value, into: &out, indent: 0)
        if style == .pretty { out += "\n" }
        return out
    }

    private func write(_ value: JSON, into out: inout String, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.text
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            if style == .compact {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += "," }
                    write(item, into: &out, indent: indent)
                }
                out += "]"
                return
            }
            if items.allSatisfy(\.isScalar) {
                var inline = "["
                for (i, item) in items.enumerated() {
                    if i > 0 { inline += ", " }
                    JSONWriter(style: .compact).write(item, into: &inline, indent: 0)
                }
                inline += "]"
                if inline.count <= inlineWidth { out += inline; return }
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                write(item, into: &out, indent: indent + 2)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            if style == .compact {
                out += "{"
                for (i, m) in members.enumerated() {
                    if i > 0 { out += "," }
                    Self.writeString(m.key, into: &out)
                    out += ":"
                    write(m.value, into: &out, indent: indent)
                }
                out += "}"
                return
            }
            out += "{\n"
            for (i, m) in members.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                Self.writeString(m.key, into: &out)
                out += ": "
                write(m.value, into: &out, indent: indent + 2)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    /// Escapes per RFC 8259; `/` is left alone and non-ASCII is written as UTF-8.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    public static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, into: &out)
        return out
    }
}

extension JSON {
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// Compact one-line text, as used in plan diffs and hashes.
    public var compactText: String { JSONWriter(style: .compact).string(self) }
    public var prettyText: String { JSONWriter(style: .pretty).string(self) }
}
