import ReactionsCore

/// A compact binary spelling of JSON, used for event envelopes in SQLite (issue 16).
///
/// A deploy's envelope as text spent a third of its ~800 bytes on member names: the same
/// twenty-odd OpsLevel and CloudEvents names in every row. Here a known name is one byte
/// (an index into `names`), strings and numbers carry a one-byte tag holding their length,
/// and objects and arrays end with a terminator instead of brackets, commas and colons.
/// About 540 bytes are left of 800, and SQLite fits six rows on a page instead of four.
///
/// It holds the same value the text would: numbers keep their exact spelling, members
/// their order, so what a user reads back is what the text form gave.
///
/// The layout (stable: stored rows are read by every later release):
/// * a value begins with a tag: `01` null, `02` false, `03` true, `04` object, `05` array,
///   `07` number and `08` string followed by a varint length and the bytes, `10`-`2F` a
///   number of 0-31 bytes, `40`-`FF` a string of 0-191 bytes;
/// * an object is its members then `00`; a member is its name then its value; a name is
///   `01`-`7F` (the entry of `names`), `80`-`FE` (0-126 bytes of name follow) or `FF`
///   (a varint length and the name);
/// * an array is its values then `06`.
/// A packed envelope begins with `marker`, a byte no JSON text begins with.
enum PackedJSON {
    static let marker: UInt8 = 0xB1

    /// Member names a byte stands for, position + 1. Append only: stored rows hold indexes.
    static let names: [String] = [
        // CloudEvents attributes as `StoredEnvelope` keeps them.
        "data", "source", "subject", "service", "environment", "endpoint", "causationid", "chaindepth",
        "specversion", "id", "type", "time", "datacontenttype",
        // OpsLevel's deploy fields.
        "deploy_number", "status", "dedup_id", "deployer", "email", "name", "deployed_at", "description", "deploy_url",
        "commit", "sha", "message", "branch", "date", "authoring_date", "author_name", "author_email",
        "committer_name", "committer_email",
        // webhook.received, config.applied and reaction.failed data.
        "payload", "query", "headers", "number", "hash", "created_by", "reaction", "delivery_id", "event_id", "attempts", "error",
    ]

    /// The bytes of the names the hot paths write or look for without a lookup: their places
    /// in `names` + 1, which never change (a test checks each against `knownName`).
    enum Name {
        static let data: UInt8 = 1
        static let source: UInt8 = 2
        static let subject: UInt8 = 3
        static let service: UInt8 = 4
        static let environment: UInt8 = 5
        static let endpoint: UInt8 = 6
        static let causationID: UInt8 = 7
        static let chainDepth: UInt8 = 8
        static let id: UInt8 = 10
        static let deployNumber: UInt8 = 14
        static let status: UInt8 = 15
        static let dedupID: UInt8 = 16
        static let deployer: UInt8 = 17
        static let email: UInt8 = 18
        static let name: UInt8 = 19
        static let deployedAt: UInt8 = 20
        static let description: UInt8 = 21
        static let deployURL: UInt8 = 22
        static let commit: UInt8 = 23
    }

    /// `names` as words: every name is at most 16 bytes, so one is matched by comparing two
    /// words among the few of its length. (Hashing a name into a dictionary cost more than
    /// the rest of writing it, for every member of every deploy.)
    private struct NameWords {
        /// Entries by length; those of length n are `entries[starts[n]..<starts[n + 1]]`.
        var entries: [(low: UInt64, high: UInt64, byte: UInt8)] = []
        var starts: [Int] = []

        init() {
            for length in 0...16 {
                starts.append(entries.count)
                for (i, name) in names.enumerated() where name.utf8.count == length {
                    let (low, high) = Array(name.utf8).withUnsafeBufferPointer(NameWords.words)
                    entries.append((low, high, UInt8(i + 1)))
                }
            }
            starts.append(entries.count)
        }

        /// The name's bytes as two words in memory order, zero-padded (at most 16 bytes).
        static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
            var low: UInt64 = 0, high: UInt64 = 0
            let raw = UnsafeRawBufferPointer(bytes)
            withUnsafeMutableBytes(of: &low) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw.prefix(8))) }
            if raw.count > 8 { withUnsafeMutableBytes(of: &high) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[8...])) } }
            return (low, high)
        }
    }

    private static let nameWords = NameWords()

    /// The byte that stands for the name `bytes` spell, if it is a known one.
    static func knownName(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard bytes.count <= 16 else { return nil }
        let table = nameWords
        let (low, high) = NameWords.words(bytes)
        for entry in table.entries[table.starts[bytes.count]..<table.starts[bytes.count + 1]] where entry.low == low && entry.high == high {
            return entry.byte
        }
        return nil
    }

    /// The byte that stands for a known name.
    static func knownName(_ name: String) -> UInt8? {
        var name = name
        return name.withUTF8(knownName)
    }

    // MARK: Writing

    /// A whole packed value: `marker`, then the value (what `value(_:)` reads back).
    static func pack(_ value: JSON) -> [UInt8] {
        var out: [UInt8] = [marker]
        out.reserveCapacity(512)
        write(value, into: &out)
        return out
    }

    static func write(_ value: JSON, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(0x01)
        case .bool(let b): out.append(b ? 0x03 : 0x02)
        case .number(let n): writeNumber(text: n.text.utf8, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(0x05)
            for item in items { write(item, into: &out) }
            out.append(0x06)
        case .object(let members):
            out.append(0x04)
            writeMembers(members, into: &out)
            out.append(0x00)
        }
    }

    /// Members without the object's tag and terminator, for a writer that adds its own.
    static func writeMembers(_ members: [JSON.Member], into out: inout [UInt8], skipping skip: (String) -> Bool = { _ in false }) {
        for member in members where !skip(member.key) {
            writeName(member.key, into: &out)
            write(member.value, into: &out)
        }
    }

    static func writeName(_ name: String, into out: inout [UInt8]) {
        if let byte = knownName(name) { out.append(byte); return }
        writeUnknownName(name.utf8, into: &out)
    }

    /// A name that is not one of `names`, spelled out.
    static func writeUnknownName(_ name: some Collection<UInt8>, into out: inout [UInt8]) {
        let count = name.count
        if count < 127 {
            out.append(0x80 + UInt8(count))
        } else {
            out.append(0xFF)
            writeVarint(count, into: &out)
        }
        out.append(contentsOf: name)
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        writeString(utf8: s.utf8, into: &out)
    }

    /// A string from its UTF-8 bytes (valid UTF-8: the caller checked).
    static func writeString(utf8 bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        writeBytes(bytes, shortBase: 0x40, shortLimit: 192, longTag: 0x08, into: &out)
    }

    /// A number from its text (a valid JSON number: the caller checked).
    static func writeNumber(text bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        writeBytes(bytes, shortBase: 0x10, shortLimit: 32, longTag: 0x07, into: &out)
    }

    private static func writeBytes(_ bytes: some Collection<UInt8>, shortBase: UInt8, shortLimit: Int, longTag: UInt8, into out: inout [UInt8]) {
        let count = bytes.count
        if count < shortLimit {
            out.append(shortBase + UInt8(count))
        } else {
            out.append(longTag)
            writeVarint(count, into: &out)
        }
        out.append(contentsOf: bytes)
    }

    private static func writeVarint(_ value: Int, into out: inout [UInt8]) {
        var v = UInt(value)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    // MARK: Reading

    /// The value `bytes` hold after `marker`; nil if they are not a whole packed value.
    static func value(_ bytes: [UInt8]) -> JSON? {
        guard bytes.first == marker else { return nil }
        var reader = Reader(bytes: bytes, at: 1)
        guard let value = reader.value(depth: 0), reader.at == bytes.count else { return nil }
        return value
    }

    /// The members `writeMembers` wrote (no object tag or terminator); nil if they are not
    /// whole members.
    static func members(_ packedMembers: [UInt8]) -> [JSON.Member]? {
        var bytes: [UInt8] = [marker, 0x04]
        bytes.reserveCapacity(packedMembers.count + 3)
        bytes.append(contentsOf: packedMembers)
        bytes.append(0x00)
        return value(bytes)?.objectMembers
    }

    /// Reading stops (nil) at anything out of place rather than trusting a stored length.
    private struct Reader {
        let bytes: [UInt8]
        var at: Int

        mutating func byte() -> UInt8? {
            guard at < bytes.count else { return nil }
            defer { at += 1 }
            return bytes[at]
        }

        mutating func varint() -> Int? {
            var value = 0
            var shift = 0
            while let b = byte() {
                value |= Int(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
                if shift > 35 { return nil }
            }
            return nil
        }

        mutating func text(_ count: Int) -> String? {
            guard count <= bytes.count - at else { return nil }
            defer { at += count }
            return String(decoding: bytes[at..<(at + count)], as: UTF8.self)
        }

        /// Depth is bounded as the parser bounds it, so a damaged row cannot recurse deeply.
        mutating func value(depth: Int) -> JSON? {
            guard depth <= JSONParser.maximumDepth, let tag = byte() else { return nil }
            switch tag {
            case 0x01: return .null
            case 0x02: return .bool(false)
            case 0x03: return .bool(true)
            case 0x04:
                var members: [JSON.Member] = []
                while let nameTag = byte() {
                    if nameTag == 0x00 { return .object(members) }
                    guard let name = name(nameTag), let value = value(depth: depth + 1) else { return nil }
                    members.append(JSON.Member(name, value))
                }
                return nil
            case 0x05:
                var items: [JSON] = []
                while at < bytes.count {
                    if bytes[at] == 0x06 { at += 1; return .array(items) }
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                }
                return nil
            case 0x07: return varint().flatMap { text($0) }.flatMap(JSONNumber.init(text:)).map(JSON.number)
            case 0x08: return varint().flatMap { text($0) }.map(JSON.string)
            case 0x10..<0x30: return text(Int(tag - 0x10)).flatMap(JSONNumber.init(text:)).map(JSON.number)
            case 0x40...0xFF: return text(Int(tag - 0x40)).map(JSON.string)
            default: return nil
            }
        }

        mutating func name(_ tag: UInt8) -> String? {
            switch tag {
            case 0x01..<0x80:
                let index = Int(tag) - 1
                return index < PackedJSON.names.count ? PackedJSON.names[index] : nil
            case 0xFF: return varint().flatMap { text($0) }
            default: return text(Int(tag - 0x80))
            }
        }
    }
}
