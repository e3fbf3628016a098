import Foundation
import Testing
import TestSupport
@testable import ReactionsCore

/// Script diffs in plans: checked against GNU diff (the same number of changed lines: both
/// find a shortest edit script) and patch (the hunks turn the old file into the new one).
@Suite struct UnifiedDiffTests {
    static func text(_ lines: [String], newline: Bool = true) -> String {
        lines.joined(separator: "\n") + (newline && !lines.isEmpty ? "\n" : "")
    }

    func check(_ old: String, _ new: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let lines = try #require(UnifiedDiff.lines(UnifiedDiff.split(old), UnifiedDiff.split(new)), sourceLocation: sourceLocation)
        let hunks = UnifiedDiff.hunks(lines)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b"), p = dir.appendingPathComponent("p")
        try Data(old.utf8).write(to: a)
        try Data(new.utf8).write(to: b)
        // The reference: GNU diff's count of changed lines (a shortest script has as many).
        let (_, reference) = try runProgram("/usr/bin/diff", ["--minimal", "-U3", a.path, b.path])
        let referenceChanges = reference.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { ($0.hasPrefix("+") && !$0.hasPrefix("+++")) || ($0.hasPrefix("-") && !$0.hasPrefix("---")) }.count
        let ours = hunks.filter { $0.hasPrefix("+") || $0.hasPrefix("-") }.count
        #expect(ours == referenceChanges, "ours:\n\(hunks.joined(separator: "\n"))\ndiff:\n\(reference)", sourceLocation: sourceLocation)
        if old == new { #expect(hunks.isEmpty, sourceLocation: sourceLocation); return }
        // Our hunks, applied by patch, give the new file.
        try Data(("--- a\n+++ b\n" + hunks.joined(separator: "\n") + "\n").utf8).write(to: p)
        let (status, output) = try runProgram("/usr/bin/patch", ["-s", "-o", dir.appendingPathComponent("out").path, a.path, p.path])
        #expect(status == 0, "\(output)\n\(hunks.joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(try String(contentsOf: dir.appendingPathComponent("out"), encoding: .utf8) == new, sourceLocation: sourceLocation)
    }

    @Test func smallCases() throws {
        try check("", "")
        try check("", "a\n")
        try check("a\n", "")
        try check("a\nb\nc\n", "a\nb\nc\n")
        try check("a\nb\nc\n", "a\nx\nc\n")
        try check("#!/bin/sh\necho deploy\n", "#!/bin/sh\nset -eu\necho deploy \"$1\"\n")
        try check("a\nb", "a\nb\n")
        try check("a\nb\n", "a\nc")
    }

    @Test func hunksAndTheirHeadersMatchDiff() throws {
        let old = Self.text((1...30).map { "line \($0)" })
        var newLines = (1...30).map { "line \($0)" }
        newLines[1] = "changed 2"
        newLines.remove(at: 19)
        newLines.insert("inserted", at: 25)
        let lines = try #require(UnifiedDiff.lines(UnifiedDiff.split(old), newLines))
        #expect(UnifiedDiff.hunks(lines).filter { $0.hasPrefix("@@") } == ["@@ -1,5 +1,5 @@", "@@ -17,13 +17,13 @@"])
        try check(old, Self.text(newLines))
    }

    /// Random edits of random files, against diff and patch.
    @Test func randomEditsAgreeWithDiffAndPatch() throws {
        var random = SplitMix64(seed: 14)
        for _ in 0..<60 {
            let alphabet = ["a", "b", "c", "echo x", "", "exit 0"]
            let count = Int(random.next() % 40)
            let old = (0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            var new = old
            for _ in 0..<Int(random.next() % 8) {
                switch random.next() % 3 {
                case 0 where !new.isEmpty: new.remove(at: Int(random.next() % UInt64(new.count)))
                case 1: new.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: Int(random.next() % UInt64(new.count + 1)))
                default: if !new.isEmpty { new[Int(random.next() % UInt64(new.count))] = "edited" }
                }
            }
            try check(Self.text(old), Self.text(new, newline: random.next() % 5 != 0))
        }
    }

    @Test func tooManyEditsGiveUp() {
        let old = (0..<3_000).map { "old \($0)" }, new = (0..<3_000).map { "new \($0)" }
        #expect(UnifiedDiff.lines(old, new) == nil)
    }
}
