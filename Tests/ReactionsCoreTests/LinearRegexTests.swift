import Foundation
import Testing
import TestSupport
@testable import ReactionsCore

/// The linear-time matcher of the `regex` filter condition (issue 11, defect 4).
@Suite struct LinearRegexTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool { try LinearRegex(pattern).matches(text) }

    /// Pattern, text, whether it matches (a search anywhere in the text). Checked by hand
    /// and, where Python's `re` shares the syntax, by `agreesWithPythonRe` as well.
    static let table: [(String, String, Bool)] = [
        ("abc", "xxabcxx", true), ("abc", "ab", false), ("", "", true), ("", "x", true),
        ("^abc$", "abc", true), ("^abc$", "abcd", false), ("^abc$", "abc\n", false), ("abc\\z", "xabc", true),
        ("a.c", "abc", true), ("a.c", "a\nc", false), ("(?s)a.c", "a\nc", true),
        ("(?m)^b$", "a\nb\nc", true), ("^b$", "a\nb\nc", false), ("(?m)^$", "a\n\nb", true),
        ("colou?r", "color", true), ("colou?r", "colour", true), ("colou?r", "colouur", false),
        ("ab*c", "ac", true), ("ab+c", "ac", false), ("ab+c", "abbbc", true),
        ("a{3}", "aa", false), ("a{3}", "aaa", true), ("^a{2,3}$", "aaaa", false), ("^a{2,}$", "aaaaaaa", true),
        ("^a{0,2}b", "aab", true), ("^(ab){2}$", "abab", true), ("^(ab){2}$", "ab", false),
        ("x{", "x{", true), ("x{a}", "x{a}", true), ("a{,2}", "a{,2}", true),
        ("cat|dog", "hotdog", true), ("^(cat|dog)$", "catdog", false), ("a|", "b", true), ("^(|a)$", "", true),
        ("[abc]+", "xbx", true), ("^[^abc]+$", "def", true), ("^[^abc]+$", "dbf", false), ("[a-f0-9]{6}", "c0ffee", true),
        ("[]a]", "]", true), ("[^]a]", "]", false), ("[a-]", "-", true), ("[\\]]", "]", true), ("[\\d.]+", "1.5", true),
        ("^\\d+$", "12345", true), ("^\\d+$", "12a45", false), ("\\D", "123", false), ("\\w+@\\w+\\.com", "me@example.com", true),
        ("^\\s*$", " \t ", true), ("\\S", "   ", false), ("\\W", "abc_1", false),
        ("\\bfoo\\b", "a foo b", true), ("\\bfoo\\b", "afoob", false), ("\\Bfoo", "afoo", true), ("\\Bfoo", "foo", false),
        ("(?i)hello", "HeLLo", true), ("(?i)[a-c]+", "ABC", true), ("(?i)straße", "STRASSE", false), ("(?i:a)b", "Ab", true),
        ("(?i:a)b", "AB", false), ("a(?i)b", "aB", true), ("(?i)a(?-i)b", "AB", false),
        ("\\.", "a.b", true), ("\\.", "ab", false), ("\\$\\{x\\}", "${x}", true), ("a\\/b", "a/b", true),
        ("\\x41", "A", true), ("\\x{263A}", "☺", true), ("\\u00e9", "é", true), ("\\t", "\t", true),
        ("^.$", "☺", true), ("^..$", "é", false), ("[☺-☻]", "☻", true),
        ("^v[0-9]+\\.[0-9]+\\.[0-9]+(-rc\\.[0-9]+)?$", "v1.2.3-rc.4", true), ("^release/.*", "release/2024.1", true),
        ("(?:a|b)*c", "ababx", false), ("(?<name>a)b", "ab", true), ("(?P<n>x)+", "xx", true),
        ("\\p{Lu}\\p{Ll}+", "xHello", true), ("^\\p{L}+$", "héllo", true), ("^\\P{L}+$", "123", true), ("\\p{N}", "abc", false),
        ("[[:alpha:]]+[[:digit:]]", "ab1", true), ("^[[:^digit:]]+$", "ab", true), ("[[:space:]]", "a b", true),
        ("(a*)*", "b", true), ("(a|b|)+c", "c", true), ("^(a?){3}a{3}$", "aaa", true), ("x*y*z*", "", true),
        ("a*?b", "aab", true), ("a+?", "a", true), ("a??b", "b", true), ("a{2}?", "aa", true),
    ]

    @Test func featureTable() throws {
        for (pattern, text, expected) in Self.table {
            #expect(try matches(pattern, text) == expected, "\(pattern) on \(text.debugDescription)")
        }
    }

    /// Constructs that cannot run in linear time, or are mistakes, are refused with where.
    @Test(arguments: [
        ("(a)\\1", "backreferences", 3), ("(?<n>a)\\k<n>", "backreferences", 7), ("a(?=b)", "lookaround", 1),
        ("a(?!b)", "lookaround", 1), ("(?<=a)b", "lookaround", 0), ("(?<!a)b", "lookaround", 0), ("(?>a+)b", "atomic", 0),
        ("a*+", "possessive", 2), ("a++b", "possessive", 2), ("(ab", "unclosed", 0), ("ab)", "unmatched", 2), ("*a", "nothing to repeat", 0),
        ("a**", "quantifier cannot follow", 2), ("[abc", "unclosed \"[\"", 0), ("[z-a]", "end comes before", 1), ("a{1001}", "exceed 1000", 1),
        ("a{3,2}", "below the minimum", 1), ("\\", "lone backslash", 0), ("\\q", "unknown escape", 0), ("\\p{Greek}", "unknown Unicode property", 0),
        ("(?x)a b", "not supported", 2), ("\\Z", "\\z", 0), ("((((a{1000}){1000})))", "too large", 0),
    ])
    func refused(pattern: String, message: String, offset: Int) {
        do {
            _ = try LinearRegex(pattern)
            Issue.record("\(pattern) was accepted")
        } catch {
            #expect(error.message.contains(message), "\(pattern): \(error.message)")
            #expect(error.offset == offset, "\(pattern): \(error)")
        }
    }

    /// The patterns of the issue, and other classic ReDoS shapes, against inputs of 1 MiB:
    /// a backtracking engine takes seconds on 40 characters of these.
    @Test(arguments: [
        ("(a+)+$", "a", "!", false), ("^(a|aa)+$", "a", "!", false), ("^.*a.*a.*a.*a.*!", "a", "", false),
        ("(x+x+)+y", "x", "", false), ("(a|a)*b", "a", "", false), ("(.*){1,32}[bc]", "a", "", false),
        ("^(\\w+\\s?)*$", "ab ", "!", false), ("(a+)+$", "a", "", true), ("(\\d+)*[a-z]$", "1", "z", true),
        ("\\b(a|b)*c\\b", "ab", "", false),
    ])
    func pathologicalPatternsOnAMebibyte(pattern: String, unit: String, tail: String, expected: Bool) async throws {
        let text = String(repeating: unit, count: (1 << 20) / unit.utf8.count) + tail
        // Seconds of CPU in a debug build: kept off the threads async tests share.
        let found = try await offThePool { try LinearRegex(pattern).matches(text) }
        #expect(found == expected, "\(pattern)")
    }

    @Test func theStateCacheStartsOverWhenFullAndStillAnswers() throws {
        // a[ab]{12}$: the DFA for "an a, then 12 more" needs 2^13 states, past the cap.
        var generator = SystemRandomNumberGenerator()
        let text = String((0..<40_000).map { _ in Bool.random(using: &generator) ? "a" : "b" })
        let regex = try LinearRegex("a[ab]{12}$")
        let expected = text.utf8.count > 13 && Array(text.utf8)[text.utf8.count - 13] == UInt8(ascii: "a")
        #expect(regex.matches(text) == expected)
        #expect(regex.matches(text + "a" + String(repeating: "b", count: 12)))
    }

    /// Every pattern of the table Python's `re` also reads, and a few thousand random ones,
    /// give the same answer here as there. (`re` backtracks, so inputs stay short.)
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")))
    func agreesWithPythonRe() async throws {
        try await offThePool { try self.compareWithPythonRe() }
    }

    func compareWithPythonRe() throws {
        var cases: [(String, String)] = Self.table.filter { pattern, text, _ in
            // Our extensions, or where the two dialects differ on purpose.
            !["\\x{", "\\p", "\\P", "[[:", "(?<", "\\z", "$", "\\e", "\\u", "ß", "[]", "[^]", "x{", "a{,"].contains { pattern.contains($0) }
                && !text.contains("\n")
        }.map { ($0.0, $0.1) }
        var random = SplitMix64(seed: 11)
        for _ in 0..<3000 {
            let pattern = RandomPattern.make(&random)
            for _ in 0..<3 { cases.append((pattern, RandomPattern.text(&random))) }
        }
        let input = JSON.array(cases.map { JSON.array([.string($0.0), .string($0.1)]) }).compactText
        let script = """
        import json, re, sys
        out = []
        for pattern, text in json.load(sys.stdin):
            try:
                out.append(re.search(pattern, text, re.ASCII) is not None)
            except re.error:
                out.append(None)
        print(json.dumps(out))
        """
        let (status, output) = try runProgram("/usr/bin/env", ["python3", "-c", script], stdin: input)
        #expect(status == 0, "\(output)")
        let answers = try JSONParser.value(output).arrayValue ?? []
        #expect(answers.count == cases.count)
        var compared = 0
        for ((pattern, text), answer) in zip(cases, answers) {
            guard case .bool(let expected) = answer else { continue }
            // Python before 3.14 never matches \B in an empty string; RE2 and Rust do, as we do.
            if text.isEmpty && pattern.contains("\\B") { continue }
            compared += 1
            let ours: Bool? = (try? LinearRegex(pattern))?.matches(text)
            #expect(ours == expected, "\(pattern) on \(text.debugDescription): re says \(expected), we say \(String(describing: ours))")
        }
        #expect(compared > 5000)
    }
}

/// Small random patterns over a three-letter alphabet, in the syntax both engines share.
enum RandomPattern {
    static func make(_ random: inout SplitMix64, depth: Int = 0) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            var atom: String
            switch Int.random(in: 0..<14, using: &random) {
            case 0...4: atom = ["a", "b", "c"].randomElement(using: &random) ?? "a"
            case 5: atom = "."
            case 6: atom = ["[ab]", "[^a]", "[a-c]", "\\w", "\\s", "\\d", "[^ ]"].randomElement(using: &random) ?? "."
            case 7: atom = ["^", "\\b", "\\B"].randomElement(using: &random) ?? "^"
            case 8...9 where depth < 3:
                let inner = make(&random, depth: depth + 1)
                atom = Bool.random(using: &random) ? "(\(inner)|\(make(&random, depth: depth + 1)))" : "(?:\(inner))"
            case 10: atom = "(?i)" + (["a", "B", "[a-b]"].randomElement(using: &random) ?? "a")
            default: atom = ["a", "b"].randomElement(using: &random) ?? "a"
            }
            if !["^", "\\b", "\\B"].contains(atom) || atom.hasPrefix("(") {
                switch Int.random(in: 0..<10, using: &random) {
                case 0: atom += "*"
                case 1: atom += "+"
                case 2: atom += "?"
                case 3: atom += "{\(Int.random(in: 0...2, using: &random)),\(Int.random(in: 2...3, using: &random))}"
                case 4: atom += "*?"
                default: break
                }
            }
            out += atom
        }
        return out
    }

    static func text(_ random: inout SplitMix64) -> String {
        String((0..<Int.random(in: 0...10, using: &random)).map { _ in ["a", "b", "c", "A", " ", "-", "1"].randomElement(using: &random) ?? "a" })
    }
}
