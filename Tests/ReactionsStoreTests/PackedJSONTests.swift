import Testing
import ReactionsCore
@testable import ReactionsStore

/// Packed envelopes are stored forever: every value must come back exactly, and damaged
/// bytes must be refused rather than read as something else.
@Suite struct PackedJSONTests {
    static func packed(_ value: JSON) -> [UInt8] { PackedJSON.pack(value) }

    static let values: [String] = [
        "null", "true", "false", "0", "-1", "1.50", "1e400", "-2.5E-3", "123456789012345678901234567890", "\"\"",
        #""caf\u00e9 \ud83d\ude80 \"quoted\" \\ \n\t""#,
        "[]", "{}", "[[],[[]],{}]", #"[1,"two",null,true,{"a":[]}]"#,
        #"{"service":"cart","unknown name":1,"":2,"data":{"id":7}}"#,
        // Lengths at each side of the one-byte forms: strings 191/192, numbers 31/32, names 126/127.
        "\"" + String(repeating: "s", count: 191) + "\"", "\"" + String(repeating: "s", count: 192) + "\"",
        "\"" + String(repeating: "é", count: 300) + "\"",
        String(repeating: "1", count: 31), String(repeating: "1", count: 32), "0." + String(repeating: "5", count: 300),
        "{\"" + String(repeating: "n", count: 126) + "\":1,\"" + String(repeating: "m", count: 127) + "\":2}",
    ]

    @Test(arguments: values) func everyValueComesBack(_ text: String) throws {
        let value = try JSONParser.value(text)
        #expect(PackedJSON.value(Self.packed(value)) == value)
        #expect(PackedJSON.value(Self.packed(value))?.compactText == value.compactText)
    }

    @Test func everyKnownNameComesBackAsItself() throws {
        let value = JSON.object(PackedJSON.names.enumerated().map { JSON.Member($1, .int($0)) })
        let bytes = Self.packed(value)
        #expect(PackedJSON.value(bytes) == value)
        // One byte per name, one tag and one digit or two per value, the tag and its end.
        #expect(bytes.count < 2 + PackedJSON.names.count * 4)
        #expect(Set(PackedJSON.names).count == PackedJSON.names.count, "a name listed twice")
        #expect(PackedJSON.names.count < 127)
        for (i, name) in PackedJSON.names.enumerated() { #expect(PackedJSON.knownName(name) == UInt8(i + 1), "\(name)") }
        for unknown in ["", "shb", "Data", "commit_", "data\u{0}", "é"] { #expect(PackedJSON.knownName(unknown) == nil, "\(unknown)") }
    }

    /// The layout is a promise to every stored row: these bytes must always read this way.
    @Test func theLayoutIsStable() {
        let bytes: [UInt8] = [0xB1, 0x04, 0x04, 0x44] + Array("cart".utf8) + [0x01, 0x04, 0x0A, 0x11] + Array("7".utf8)
            + [0x83] + Array("xyz".utf8) + [0x05, 0x01, 0x02, 0x03, 0x06, 0x00, 0x00]
        #expect(PackedJSON.value(bytes) == .object(["service": .string("cart"),
                                                    "data": .object(["id": .int(7), "xyz": .array([.null, .bool(false), .bool(true)])])]))
    }

    @Test func damagedBytesAreRefused() throws {
        let whole = Self.packed(try JSONParser.value(#"{"service":"cart","data":{"id":7,"list":[1,2,"x"]}}"#))
        for cut in 0..<whole.count {
            #expect(PackedJSON.value(Array(whole[..<cut])) == nil, "cut at \(cut)")
        }
        #expect(PackedJSON.value(whole + [0x00]) == nil)
        #expect(PackedJSON.value([0x7B] + whole.dropFirst()) == nil)
        // A name past the end of the list, a number that is not one, a length past the end.
        #expect(PackedJSON.value([0xB1, 0x04, 0x7F, 0x01, 0x00]) == nil)
        #expect(PackedJSON.value([0xB1, 0x12] + Array("1x".utf8)) == nil)
        #expect(PackedJSON.value([0xB1, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == nil)
        #expect(PackedJSON.value([0xB1, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == nil)
    }

    /// Nesting deeper than the parser ever accepts is refused without recursing into it.
    @Test func nestingIsBounded() {
        let deep: [UInt8] = [0xB1] + Array(repeating: 0x05, count: 100_000)
        #expect(PackedJSON.value(deep) == nil)
        let allowed: [UInt8] = [0xB1] + Array(repeating: 0x05, count: 200) + Array(repeating: 0x06, count: 200)
        #expect(PackedJSON.value(allowed) != nil)
    }
}
