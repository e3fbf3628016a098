/// Serialises `JSON` deterministically: the same value always gives the same bytes.
///
/// `pretty` is the house style used by `fmt`, plans and state: two-space indent, one
/// member per line, arrays of scalars that fit on one line stay on one line.
///
/// It writes UTF-8 bytes and copies runs of characters that need no escaping in one step:
/// the runtime serialises an event envelope and a log line for every deploy.
public struct JSONWriter: Sendable {
    public enum Style: Sendable { case compact, pretty }

    public var style: Style
    /// Arrays of scalars whose one-line form is at most this wide stay inline when pretty.
    public var inlineWidth = 72

    public init(style: Style = .pretty) { self.style = style }

    public func string(_ value: JSON) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    public func bytes(_ value: JSON) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, indent: 0)
        if style == .pretty { out.append(10) }
        return out
    }

    private func indentation(_ n: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(32, count: n))
    }

    private func write(_ value: JSON, into out: inout [UInt8], indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.text.utf8)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            if style == .compact {
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    write(item, into: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            if items.allSatisfy(\.isScalar) {
                var inline: [UInt8] = [UInt8(ascii: "[")]
                for (i, item) in items.enumerated() {
                    if i > 0 { inline.append(contentsOf: ", ".utf8) }
                    JSONWriter(style: .compact).write(item, into: &inline, indent: 0)
                }
                inline.append(UInt8(ascii: "]"))
                // Width in characters, as a reader sees it.
                if String(decoding: inline, as: UTF8.self).count <= inlineWidth { out.append(contentsOf: inline); return }
            }
            out.append(contentsOf: "[\n".utf8)
            for (i, item) in items.enumerated() {
                indentation(indent + 2, into: &out)
                write(item, into: &out, indent: indent + 2)
                out.append(contentsOf: (i + 1 < items.count ? ",\n" : "\n").utf8)
            }
            indentation(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            if style == .compact {
                out.append(UInt8(ascii: "{"))
                Self.writeMembers(members, into: &out)
                out.append(UInt8(ascii: "}"))
                return
            }
            out.append(contentsOf: "{\n".utf8)
            for (i, m) in members.enumerated() {
                indentation(indent + 2, into: &out)
                Self.writeString(m.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                write(m.value, into: &out, indent: indent + 2)
                out.append(contentsOf: (i + 1 < members.count ? ",\n" : "\n").utf8)
            }
            indentation(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes members as `"key":value` pairs joined by commas, compact and without braces,
    /// leaving out those `skip` names: for text that splices them into a larger object.
    public static func writeMembers(_ members: [JSON.Member], into out: inout [UInt8], skipping skip: (String) -> Bool = { _ in false }) {
        let writer = JSONWriter(style: .compact)
        var first = true
        for m in members where !skip(m.key) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            writeString(m.key, into: &out)
            out.append(UInt8(ascii: ":"))
            writer.write(m.value, into: &out, indent: 0)
        }
    }

    /// Escapes per RFC 8259; `/` is left alone, non-ASCII is written as UTF-8, and
    /// U+2028/U+2029 are escaped so the output is also safe inside JavaScript.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress)
            var runStart = 0
            var i = 0
            let n = bytes.count
            while i < n {
                // Almost every byte of real payloads needs no escape: skip eight at a time
                // while none of them could (every envelope and log line passes through here).
                if i + 8 <= n, let base, !mayNeedEscape(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8
                    continue
                }
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x7F || b == 0xE2 else {
                    i += 1
                    continue
                }
                var escape: [UInt8]? = nil
                var width = 1
                switch b {
                case UInt8(ascii: "\""): escape = Array("\\\"".utf8)
                case UInt8(ascii: "\\"): escape = Array("\\\\".utf8)
                case 0x0A: escape = Array("\\n".utf8)
                case 0x0D: escape = Array("\\r".utf8)
                case 0x09: escape = Array("\\t".utf8)
                case 0x08: escape = Array("\\b".utf8)
                case 0x0C: escape = Array("\\f".utf8)
                case 0x00..<0x20, 0x7F: escape = unicodeEscape(UInt32(b))
                case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    escape = unicodeEscape(bytes[i + 2] == 0xA8 ? 0x2028 : 0x2029)
                    width = 3
                default: break
                }
                if let escape {
                    if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                    out.append(contentsOf: escape)
                    i += width
                    runStart = i
                } else {
                    i += 1
                }
            }
            if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is a control character, `"`, `\\`, DEL or not ASCII (the
    /// bytes the loop above looks at one by one). Never false when one is; it may be true
    /// when none is, which only costs the slow path.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        // A byte below n (n ≤ 0x80) leaves its high bit set in (x - n) & ~x.
        func hasByteBelow(_ x: UInt64, _ limit: UInt64) -> Bool { (x &- ones &* limit) & ~x & high != 0 }
        let controls = hasByteBelow(word, 0x20)
        let quote = hasByteBelow(word ^ (ones &* 0x22), 1)
        let backslash = hasByteBelow(word ^ (ones &* 0x5C), 1)
        // DEL becomes 0x80 when one is added; bytes from 0x80 up have their high bit already.
        let delOrHigh = ((word &+ ones) | word) & high != 0
        return controls || quote || backslash || delOrHigh
    }

    static func unicodeEscape(_ value: UInt32) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        return Array("\\u".utf8) + [hex[Int(value >> 12 & 0xF)], hex[Int(value >> 8 & 0xF)], hex[Int(value >> 4 & 0xF)], hex[Int(value & 0xF)]]
    }

    public static func writeString(_ s: String, into out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
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
