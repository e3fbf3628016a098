import Foundation
/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Foundation's `JSONSerialization` loses positions and member order; config errors
/// must point at a line, and `fmt` must keep what people wrote, so we parse ourselves.
/// Duplicate keys are rejected: in a reviewed config a silently ignored key is a bug.
///
/// Two results from one grammar: `parse` gives `JSONNode`s that record the line and
/// column of every value and key (config files), `value` gives plain `JSON` without that
/// bookkeeping (request bodies and stored documents, parsed on every deploy). Errors
/// carry a position either way.
public enum JSONParser {
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public var position: SourcePosition
        public var message: String
        public var description: String { "\(position): \(message)" }
    }

    /// Nesting deeper than this is refused instead of risking the stack.
    public static let maximumDepth = 256

    public static func parse(_ bytes: [UInt8]) throws(Error) -> JSONNode {
        var parser = JSONScanner<NodeTree>(bytes: bytes)
        return try parser.parseDocument()
    }

    public static func parse(_ text: String) throws(Error) -> JSONNode {
        try parse(Array(text.utf8))
    }

    public static func value(_ bytes: [UInt8]) throws(Error) -> JSON {
        var parser = JSONScanner<ValueTree>(bytes: bytes)
        return try parser.parseDocument()
    }

    public static func value(_ text: String) throws(Error) -> JSON {
        try value(Array(text.utf8))
    }
}

struct JSONScanner<Tree: JSONTree> {
    typealias Error = JSONParser.Error
    private static var maximumDepth: Int { JSONParser.maximumDepth }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark is tolerated, as editors on some platforms write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
        }
    }

    /// Column bookkeeping: positions are asked for in increasing order, so counting on from
    /// the last answer keeps long lines (a compact stored document is one line) linear.
    private var columnOffset = 0
    private var columnValue = 1
    private var columnLine = 0

    private var position: SourcePosition {
        mutating get { position(at: index) }
    }

    /// Where a value starts, when the tree keeps it.
    private var valuePosition: SourcePosition {
        mutating get { Tree.tracksPositions ? position(at: index) : SourcePosition(line: 0, column: 0) }
    }

    private mutating func position(at offset: Int) -> SourcePosition {
        if columnLine != line || offset < columnOffset {
            columnLine = line
            columnOffset = lineStart
            columnValue = 1
        }
        // Columns count scalars, not bytes, so that editors agree with us on non-ASCII lines.
        var i = max(columnOffset, lineStart)
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { columnValue += 1 }
            i += 1
        }
        columnOffset = max(i, columnOffset)
        return SourcePosition(line: line, column: columnValue)
    }

    private mutating func fail(_ message: String, at offset: Int? = nil) -> Error {
        Error(position: position(at: offset ?? index), message: message)
    }

    mutating func parseDocument() throws(Error) -> Tree.Value {
        skipWhitespace()
        guard index < bytes.count else { throw fail("the file is empty; a config document is a JSON object") }
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw fail("unexpected \(describe(bytes[index])) after the end of the JSON value")
        }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Error) -> Tree.Value {
        let start = valuePosition
        guard index < bytes.count else { throw fail("unexpected end of file; a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(start)
        case UInt8(ascii: "["): return try parseArray(start)
        case UInt8(ascii: "\""): return Tree.scalar(.string(try parseString()), at: start)
        case UInt8(ascii: "t"): try expectLiteral("true"); return Tree.scalar(.bool(true), at: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); return Tree.scalar(.bool(false), at: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); return Tree.scalar(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Tree.scalar(.number(try parseNumber()), at: start)
        default:
            throw fail("unexpected \(describe(bytes[index])); a value was expected")
        }
    }

    private mutating func expectLiteral(_ word: String) throws(Error) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count,
              bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw fail("invalid literal; expected `\(word)`")
        }
        index += expected.count
    }

    private mutating func enter() throws(Error) {
        depth += 1
        if depth > Self.maximumDepth { throw fail("nesting is deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject(_ start: SourcePosition) throws(Error) -> Tree.Value {
        try enter()
        index += 1
        var members: [Tree.Member] = []
        // Growing from empty reallocates at 1, 2, 4 and 8 members; most objects fit in 8.
        members.reserveCapacity(8)
        // Duplicate keys: a scan of the keys so far for the small objects requests carry,
        // a table once an object has many members.
        var keyIndex: [String: Int] = [:]
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return Tree.object(members, at: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail(index < bytes.count ? "expected a quoted key, found \(describe(bytes[index]))" : "unexpected end of file inside an object")
            }
            let keyOffset = index
            let keyPosition = valuePosition
            let key = try parseString()
            let earlier: Int?
            if members.count < 16 {
                earlier = members.firstIndex { Tree.key(of: $0) == key }
            } else {
                if keyIndex.isEmpty { for (i, m) in members.enumerated() { keyIndex[Tree.key(of: m)] = i } }
                earlier = keyIndex[key]
                keyIndex[key] = members.count
            }
            if let earlier {
                let first = Tree.position(of: members[earlier]).map { " (first written at \($0))" } ?? ""
                throw Error(position: position(at: keyOffset), message: "duplicate key \"\(key)\"\(first); remove one of them")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw fail("expected `:` after the key \"\(key)\"")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(Tree.member(key, at: keyPosition, value))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an object; a `}` is missing") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                    throw fail("trailing comma before `}`; remove it")
                }
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return Tree.object(members, at: start)
            }
            throw fail("expected `,` or `}` after a member, found \(describe(bytes[index]))")
        }
    }

    private mutating func parseArray(_ start: SourcePosition) throws(Error) -> Tree.Value {
        try enter()
        index += 1
        var items: [Tree.Value] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return Tree.array(items, at: start)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an array; a `]` is missing") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                    throw fail("trailing comma before `]`; remove it")
                }
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return Tree.array(items, at: start)
            }
            throw fail("expected `,` or `]` after an item, found \(describe(bytes[index]))")
        }
    }

    private mutating func parseString() throws(Error) -> String {
        let open = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        while true {
            guard index < bytes.count else { throw fail("unterminated string; a closing `\"` is missing", at: open) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                // Most strings have no escapes: build them in one step.
                if scalars.isEmpty {
                    guard let text = Self.string(bytes, runStart..<index) else {
                        throw fail("invalid UTF-8 in a string", at: runStart)
                    }
                    index += 1
                    return text
                }
                try appendRun(from: runStart, to: index, into: &scalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 {
                throw fail("control character \(describe(byte)) inside a string; escape it")
            }
            if byte == UInt8(ascii: "\\") {
                try appendRun(from: runStart, to: index, into: &scalars)
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape sequence") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try parseUnicodeEscape())
                default: throw fail("invalid escape `\\\(Character(UnicodeScalar(escape)))`", at: index - 2)
                }
                runStart = index
                continue
            }
            index += 1
        }
    }

    private mutating func appendRun(from start: Int, to end: Int, into scalars: inout String.UnicodeScalarView) throws(Error) {
        guard end > start else { return }
        guard let text = Self.string(bytes, start..<end) else {
            throw fail("invalid UTF-8 in a string", at: start)
        }
        scalars.append(contentsOf: text.unicodeScalars)
    }

    /// The bytes as a string, nil if they are not UTF-8. Through a buffer pointer rather than
    /// an array slice: the generic slice initializer looked up type metadata on every call.
    private static func string(_ bytes: [UInt8], _ range: Range<Int>) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            let run = UnsafeBufferPointer(rebasing: buffer[range])
            // ASCII needs no validation, and is what keys and most values are.
            if run.allSatisfy({ $0 < 0x80 }) { return String(decoding: run, as: UTF8.self) }
            return String(validating: run, as: UTF8.self)
        }
    }

    private mutating func parseHex4() throws(Error) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in a \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseUnicodeEscape() throws(Error) -> Unicode.Scalar {
        let start = index - 2
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate in a \\u escape", at: start)
            }
            index += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second),
                  let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else {
                throw fail("invalid surrogate pair in a \\u escape", at: start)
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw fail("unpaired surrogate in a \\u escape", at: start) }
        return scalar
    }

    private mutating func parseNumber() throws(Error) -> JSONNumber {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw fail("numbers must not have leading zeros", at: start) }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number: digits must follow `.`", at: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number: digits must follow the exponent", at: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return JSONNumber(lexeme: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "`\(Character(UnicodeScalar(byte)))`" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
