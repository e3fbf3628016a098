import ReactionsCore

/// Reads a deploy's request body once, writing its members straight into the packed form
/// the store keeps (`PackedJSON`) and keeping aside only what validation reads.
///
/// Parsing the body into a `JSON` tree, looking its fields up and then packing the tree
/// allocated a string for every key and value and an array for every object, and freed
/// them all again: a fifth of an event loop's time per deploy (issue 16). Here the bytes
/// of keys and values go from the request to the packed members without becoming strings;
/// only the dozen fields `DeployPayload.validate` reads do.
///
/// It is a fast path, not a second parser of record: it gives up (nil) on anything a real
/// deploy rarely holds — a `\u` escape, a control character, a key with an escape, an
/// object of more than `maximumMembers` members, nesting deeper than `maximumDepth`, a
/// computed member (`deploy_number`, `status`, `id`) holding an object or array, a byte
/// order mark, a syntax error — and the caller parses those bodies with `JSONParser`,
/// which gives the same result or the error to answer with. Tests compare the two on
/// every body they can generate.
///
/// Iterative (a stack of open containers), so no input controls recursion.
struct DeployBodyPacker {
    /// What the one pass produced, for a body it accepted.
    struct Packed {
        /// The members `DeployPayload.validate` reads (objects and arrays other than
        /// `deployer` stand in as empty ones of their type).
        var fields: JSON
        /// The payload's members but `deploy_number`, `status` and `id`, packed.
        var members: [UInt8]
    }

    static let maximumDepth = 32
    /// Beyond this many members an object's duplicate keys would cost a scan per key.
    static let maximumMembers = 32

    /// nil: the body is not one this fast path takes; parse it with `JSONParser`.
    static func pack(_ body: [UInt8]) -> Packed? {
        body.withUnsafeBufferPointer { buffer in
            var packer = DeployBodyPacker(bytes: Bytes(buffer: buffer))
            guard packer.run() else { return nil }
            var fields = packer.fields
            if packer.deployerIsObject { fields.append(JSON.Member("deployer", .object(packer.deployerFields))) }
            return Packed(fields: .object(fields), members: packer.out)
        }
    }

    /// The body, read through a pointer (an array's buffer was retained and released on
    /// every access from these mutating methods) with every index still checked.
    private struct Bytes {
        let buffer: UnsafeBufferPointer<UInt8>
        var count: Int { buffer.count }

        subscript(i: Int) -> UInt8 {
            precondition(i >= 0 && i < buffer.count, "read outside the body")
            return buffer[i]
        }

        subscript(range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
            precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "read outside the body")
            return UnsafeBufferPointer(rebasing: buffer[range])
        }
    }

    private enum Container {
        /// `keysStart`: where this object's keys begin in `keys`.
        case object(keysStart: Int)
        case array

        var isObject: Bool {
            if case .object = self { return true }
            return false
        }
    }

    /// What a top-level member is to validation, decided by its name's packed byte.
    private enum Role {
        case ignored
        /// Read by validation and written to the members.
        case field
        /// Read by validation (`deploy_number`, `status`) or not (`id`), never written.
        case computed(read: Bool)
        case deployer
    }

    private let bytes: Bytes
    private var at = 0
    private var out: [UInt8] = []
    private var stack: [Container] = []
    /// The keys of the open objects, outermost first, as byte ranges of `bytes`.
    private var keys: [Range<Int>] = []
    private var scratch: [UInt8] = []
    private var fields: [JSON.Member] = []
    private var deployerFields: [JSON.Member] = []
    private var deployerIsObject = false
    /// The top-level member being read, while its value is (nested values included).
    private var role = Role.ignored
    private var roleName = ""
    /// Inside `deployer`'s object: the member being read, if it is `email`, `name` or `id`.
    private var deployerMember: String?

    private init(bytes: Bytes) {
        self.bytes = bytes
        out.reserveCapacity(bytes.count)
        stack.reserveCapacity(8)
        keys.reserveCapacity(32)
        fields.reserveCapacity(12)
        deployerFields.reserveCapacity(3)
    }

    private mutating func run() -> Bool {
        skipWhitespace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: "{") else { return false }
        at += 1
        stack.append(.object(keysStart: 0))
        var opened = true
        while let top = stack.last {
            skipWhitespace()
            guard at < bytes.count else { return false }
            let c = bytes[at]
            let closing: UInt8
            switch top {
            case .object: closing = UInt8(ascii: "}")
            case .array: closing = UInt8(ascii: "]")
            }
            // `{}`, `[]`, or the end after an element. (After a comma an element is read at
            // once, so a trailing comma meets a bracket where a key or value must be.)
            if c == closing {
                at += 1
                close(top)
                opened = false
                continue
            }
            if !opened {
                guard c == UInt8(ascii: ",") else { return false }
                at += 1
                skipWhitespace()
            }
            opened = false
            if case .object(let keysStart) = top {
                guard readMember(keysStart: keysStart) else { return false }
            }
            guard at < bytes.count else { return false }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                guard open(.object(keysStart: keys.count)) else { return false }
                opened = true
            case UInt8(ascii: "["):
                guard open(.array) else { return false }
                opened = true
            default:
                guard scalar() else { return false }
            }
        }
        skipWhitespace()
        return at == bytes.count
    }

    /// A key, its `:`, and what the member is; leaves `at` on the value.
    private mutating func readMember(keysStart: Int) -> Bool {
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\""), let key = rawString() else { return false }
        guard keys.count - keysStart < Self.maximumMembers else { return false }
        let name = bytes[key]
        for earlier in keys[keysStart...] where earlier.count == key.count && bytes[earlier].elementsEqual(name) { return false }
        keys.append(key)
        skipWhitespace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return false }
        at += 1
        skipWhitespace()
        let known = PackedJSON.knownName(name)
        if stack.count == 1 {
            role = Self.role(known)
            if case .computed = role {} else { writeName(known, key) }
            if case .ignored = role {} else if let known { roleName = PackedJSON.names[Int(known) - 1] }
        } else {
            writeName(known, key)
            if stack.count == 2, case .deployer = role {
                switch known {
                case PackedJSON.Name.email: deployerMember = "email"
                case PackedJSON.Name.name: deployerMember = "name"
                case PackedJSON.Name.id: deployerMember = "id"
                default: deployerMember = nil
                }
            }
        }
        return true
    }

    private static func role(_ known: UInt8?) -> Role {
        switch known {
        case PackedJSON.Name.service, PackedJSON.Name.description, PackedJSON.Name.deployedAt, PackedJSON.Name.environment, PackedJSON.Name.deployURL, PackedJSON.Name.dedupID, PackedJSON.Name.commit: return .field
        case PackedJSON.Name.deployNumber, PackedJSON.Name.status: return .computed(read: true)
        case PackedJSON.Name.id: return .computed(read: false)
        case PackedJSON.Name.deployer: return .deployer
        default: return .ignored
        }
    }

    private mutating func writeName(_ known: UInt8?, _ key: Range<Int>) {
        if let known { out.append(known) } else { PackedJSON.writeUnknownName(bytes[key], into: &out) }
    }

    private mutating func open(_ container: Container) -> Bool {
        guard stack.count < Self.maximumDepth else { return false }
        if stack.count == 1 {
            switch role {
            // A computed member is never written, so its value must be one this pass can drop whole.
            case .computed: return false
            case .deployer:
                if case .object = container { deployerIsObject = true } else { keep(.array([])) }
            case .field:
                if case .object = container { keep(.object([])) } else { keep(.array([])) }
            case .ignored: break
            }
        }
        at += 1
        stack.append(container)
        out.append(container.isObject ? 0x04 : 0x05)
        return true
    }

    private mutating func close(_ container: Container) {
        stack.removeLast()
        if case .object(let keysStart) = container { keys.removeSubrange(keysStart...) }
        // The payload's own braces are not written: the store adds the data's terminator.
        if !stack.isEmpty { out.append(container.isObject ? 0x00 : 0x06) }
    }

    /// Keeps a value validation reads: a top-level member's, or one of `deployer`'s.
    private mutating func keep(_ value: JSON) {
        if stack.count == 1 {
            fields.append(JSON.Member(roleName, value))
        } else if stack.count == 2, case .deployer = role, let name = deployerMember {
            deployerFields.append(JSON.Member(name, value))
        }
    }

    /// Whether the value being read is kept for validation.
    private var keeping: Bool {
        switch (stack.count, role) {
        case (1, .field), (1, .deployer), (1, .computed(read: true)): return true
        case (2, .deployer): return deployerMember != nil
        default: return false
        }
    }

    /// Whether the value being read is written to the members.
    private var writing: Bool {
        if stack.count == 1, case .computed = role { return false }
        return true
    }

    private mutating func scalar() -> Bool {
        let c = bytes[at]
        switch c {
        case UInt8(ascii: "\""):
            if let range = rawString() {
                if writing { PackedJSON.writeString(utf8: bytes[range], into: &out) }
                if keeping { keep(.string(Self.string(bytes[range]))) }
                return true
            }
            guard decodeString() else { return false }
            if writing { PackedJSON.writeString(utf8: scratch, into: &out) }
            if keeping { keep(.string(Self.string(scratch))) }
            return true
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let (word, tag, value): (StaticString, UInt8, JSON) = c == UInt8(ascii: "t") ? ("true", 0x03, .bool(true))
                : c == UInt8(ascii: "f") ? ("false", 0x02, .bool(false)) : ("null", 0x01, .null)
            guard literal(word) else { return false }
            if writing { out.append(tag) }
            if keeping { keep(value) }
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let range = number() else { return false }
            // `JSONNumber` writes integers canonically: "-0" is "0".
            let text = range.count == 2 && bytes[range.lowerBound] == UInt8(ascii: "-") && bytes[range.lowerBound + 1] == UInt8(ascii: "0")
                ? range.upperBound - 1..<range.upperBound : range
            if writing { PackedJSON.writeNumber(text: bytes[text], into: &out) }
            if keeping { keep(.number(JSONNumber(lexeme: Self.string(bytes[text])))) }
            return true
        default:
            return false
        }
    }

    // MARK: Lexing

    private mutating func skipWhitespace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x09, 0x0A, 0x0D: at += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - at >= count else { return false }
        let matches = word.withUTF8Buffer { expected in
            for i in 0..<count where bytes[at + i] != expected[i] { return false }
            return true
        }
        guard matches else { return false }
        at += count
        return true
    }

    /// A string without escapes, as the range of its bytes between the quotes (checked to be
    /// UTF-8). nil, and `at` unmoved, if it has an escape or anything this pass does not take.
    private mutating func rawString() -> Range<Int>? {
        let start = at + 1
        let buffer = bytes.buffer
        guard start <= buffer.count, let base = buffer.baseAddress else { return nil }
        // Eight bytes at a time up to the first that ends the string or needs a look (a quote,
        // a backslash, a control character), found in the word itself: the hot loop of the
        // pass, and most keys and values end inside their first word.
        var i = start
        var high: UInt64 = 0
        while buffer.count - i >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let marks = Self.marks(word)
            if marks == 0 {
                high |= word
                i += 8
                continue
            }
            let plain = marks.trailingZeroBitCount / 8
            if plain > 0 { high |= word & (UInt64.max >> (64 - 8 * plain)) }
            i += plain
            break
        }
        var ascii = high & 0x8080_8080_8080_8080 == 0
        for i in i..<buffer.count {
            let b = buffer[i]
            if b == UInt8(ascii: "\"") {
                guard ascii || Self.isUTF8(bytes[start..<i]) else { return nil }
                at = i + 1
                return start..<i
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            if b >= 0x80 { ascii = false }
        }
        return nil
    }

    /// The high bit of each byte of `word` (first byte lowest) that is a quote, a backslash
    /// or below 0x20. Each test is the classic "has a zero byte" one, whose borrows can mark
    /// bytes above a true mark but never below one: the lowest mark is exact, and it is the
    /// only one read.
    private static func marks(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func zeros(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        return zeros(word ^ (ones &* 0x22)) | zeros(word ^ (ones &* 0x5C)) | ((word &- ones &* 0x20) & ~word & highs)
    }

    /// A string with escapes, decoded into `scratch`. No `\u` (nor a control character):
    /// those go to the full parser.
    private mutating func decodeString() -> Bool {
        scratch.removeAll(keepingCapacity: true)
        var i = at + 1
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                guard Self.isUTF8(scratch) else { return false }
                at = i
                return true
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { return false }
                let decoded: UInt8
                switch bytes[i] {
                case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
                case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
                case UInt8(ascii: "b"): decoded = 0x08
                case UInt8(ascii: "f"): decoded = 0x0C
                case UInt8(ascii: "n"): decoded = 0x0A
                case UInt8(ascii: "r"): decoded = 0x0D
                case UInt8(ascii: "t"): decoded = 0x09
                default: return false
                }
                scratch.append(decoded)
                i += 1
            case 0..<0x20:
                return false
            default:
                scratch.append(b)
            }
        }
        return false
    }

    /// A number's lexeme, checked against JSON's grammar.
    private mutating func number() -> Range<Int>? {
        let start = at
        var i = at
        func digits() -> Bool {
            let first = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i > first
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if !digits() {
            return nil
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() else { return nil }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() else { return nil }
        }
        // A digit after a leading "0" ("01") is left for the caller, which expects `,` or a
        // bracket there and gives up.
        at = i
        return start..<i
    }

    private static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (try? UTF8Span(validating: Span(_unsafeElements: bytes))) != nil
    }

    private static func isUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(isUTF8)
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
