import Testing
@testable import ReactionsCore

@Suite struct JSONParserTests {
    @Test func recordsLineAndColumnOfValuesAndKeys() throws {
        let node = try JSONParser.parse("{\n  \"a\": [1,\n    {\"b\": \"é\"}],\n  \"c\": true\n}")
        #expect(node.position == SourcePosition(line: 1, column: 1))
        let a = try #require(node.member("a"))
        #expect(a.keyPosition == SourcePosition(line: 2, column: 3))
        #expect(a.value.position == SourcePosition(line: 2, column: 8))
        let inner = try #require(a.value.items?[1])
        #expect(inner.position == SourcePosition(line: 3, column: 5))
        #expect(inner["b"]?.string == "é")
        #expect(node.member("c")?.keyPosition == SourcePosition(line: 4, column: 3))
    }

    @Test func keepsMemberOrder() throws {
        let json = try JSONParser.value(#"{"z": 1, "a": 2, "m": 3}"#)
        #expect(json.objectMembers?.map(\.key) == ["z", "a", "m"])
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "trailing comma", 1, 9),
        ("[1, 2,]", "trailing comma", 1, 7),
        ("{\"a\": 1, \"a\": 2}", "duplicate key \"a\"", 1, 10),
        ("{\"a\": \"x\ny\"}", "control character", 1, 9),
        ("{\"a\": 01}", "leading zeros", 1, 7),
        ("{\"a\": tru}", "invalid literal", 1, 7),
        ("{\"a\" 1}", "expected `:`", 1, 6),
        ("", "empty", 1, 1),
        ("{} x", "after the end", 1, 4),
        ("{\"a\": \"\\x\"}", "invalid escape", 1, 8),
        ("{\"a\": \"\\ud800\"}", "surrogate", 1, 8),
        ("{\n  \"a\": [1, 2\n}", "expected `,` or `]`", 3, 1),
        ("\"unterminated", "unterminated string", 1, 1),
    ])
    func rejectsInvalidJSONWithPosition(input: String, message: String, line: Int, column: Int) {
        // Both trees come from one grammar: the same input fails the same way in each.
        for values in [false, true] {
            guard let error = Self.error(parsing: input, values: values) else {
                Issue.record("expected a parse error for \(input)")
                continue
            }
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.position == SourcePosition(line: line, column: column), "\(error)")
        }
    }

    static func error(parsing text: String, values: Bool) -> JSONParser.Error? {
        do {
            if values { _ = try JSONParser.value(text) } else { _ = try JSONParser.parse(text) }
            return nil
        } catch {
            return error
        }
    }

    @Test func valuesWithoutPositionsEqualTheNodesValues() throws {
        let text = #"{"a": [1, {"b": null, "c": true}], "d": "é\n", "e": {}, "f": [], "g": -1.5e3}"#
        #expect(try JSONParser.value(text) == JSONParser.parse(text).json)
    }

    @Test(arguments: [3, 15, 16, 17, 40])
    func findsDuplicateKeysInObjectsOfAnySize(members: Int) throws {
        let keys = (0..<members).map { "\"k\($0)\": \($0)" }
        let unique = "{" + keys.joined(separator: ", ") + "}"
        #expect(try JSONParser.value(unique).objectMembers?.count == members)
        for repeated in [0, members - 1] {
            let text = "{" + (keys + ["\"k\(repeated)\": 0"]).joined(separator: ", ") + "}"
            #expect(throws: JSONParser.Error.self) { try JSONParser.value(text) }
            let error = Self.error(parsing: text, values: false)
            #expect(error?.message.hasPrefix("duplicate key \"k\(repeated)\" (first written at 1:") == true, "\(String(describing: error))")
        }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let node = try JSONParser.parse(#"["\u00e9\ud83d\ude00\n\t\"\\\/"]"#)
        #expect(node.items?.first?.string == "é😀\n\t\"\\/")
    }

    @Test func refusesDeepNestingInsteadOfCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func keepsNumbersExact() throws {
        let json = try JSONParser.value("[12345678901234567890, 1.50, -0, 3e10]")
        #expect(json.compactText == "[12345678901234567890,1.50,0,3e10]")
    }

    @Test func writerRoundTripsAndIsStable() throws {
        let text = #"{"b": [1, 2, {"c": null}], "a": "x\u0001y", "long": ["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccc"]}"#
        let json = try JSONParser.value(text)
        let pretty = json.prettyText
        #expect(try JSONParser.value(pretty) == json)
        #expect(JSONWriter(style: .pretty).string(try JSONParser.value(pretty)) == pretty)
        #expect(json.compactText.contains(#""x\u0001y""#))
    }
}

@Suite struct JSONWriterStringTests {
    /// The escapes one byte at a time, as RFC 8259 and the writer's contract state them.
    static func reference(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    @Test func escapesExactlyWhatTheByteByByteRulesDoWhereverTheByteFalls() {
        // Every kind of character, at every offset within and across eight-byte words.
        let pieces: [String] = ["a", "Z", "0", " ", "~", "/", "\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "\u{2028}", "\u{2029}",
                                "\u{E000}", "😀", "\u{80}", "\u{FF}", "aaaaaaa", "12345678"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<40 {
            for _ in 0..<200 {
                var s = ""
                for _ in 0..<length {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    s += pieces[Int(state >> 33) % pieces.count]
                }
                var out: [UInt8] = []
                JSONWriter.writeString(s, into: &out)
                #expect(String(decoding: out, as: UTF8.self) == Self.reference(s), "\(Array(s.utf8))")
            }
        }
    }

    @Test func theWordTestNeverMissesAByteThatNeedsALook() {
        let flagged: [UInt8] = Array(0..<0x20) + [0x22, 0x5C] + Array(0x7F...0xFF)
        for byte in flagged {
            for position in 0..<8 {
                var word: UInt64 = 0x6161_6161_6161_6161   // "aaaaaaaa"
                word &= ~(UInt64(0xFF) << (8 * UInt64(position)))
                word |= UInt64(byte) << (8 * UInt64(position))
                #expect(JSONWriter.mayNeedEscape(word), "byte \(byte) at \(position)")
            }
        }
        let clean = (0x20...0x7E).filter { $0 != 0x22 && $0 != 0x5C }.map(UInt8.init)
        for byte in clean {
            #expect(!JSONWriter.mayNeedEscape(UInt64(byte) &* 0x0101_0101_0101_0101), "byte \(byte)")
        }
    }
}
