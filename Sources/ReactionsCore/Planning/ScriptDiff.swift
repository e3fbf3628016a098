/// A script's change as a reviewer reads it: a unified diff of its content (the whole
/// content, as added lines, for a new script), instead of two SHA-256 digests.
public struct ScriptDiff: Sendable, Hashable {
    public var path: String
    /// `--- a/PATH`, `+++ b/PATH`, then `@@` hunks; or one line saying why there is no diff.
    public var lines: [String]
    /// Diff lines left out past `maximumLines`.
    public var omitted: Int

    /// A plan stays readable (and a PR comment within its limit) whatever the script.
    public static let maximumLines = 200

    public var text: String {
        (lines + (omitted > 0 ? ["… \(omitted) more diff lines not shown"] : [])).joined(separator: "\n")
    }

    /// nil when the content did not change. `before`: nil for a new script, or when the
    /// running revision's content is not at hand (the plan then says so).
    public static func make(path: String, before: [UInt8]?, after: [UInt8], isNew: Bool) -> ScriptDiff? {
        if before == after { return nil }
        var lines: [String]
        if Self.isBinary(after) || before.map(Self.isBinary) == true {
            let sizes = before.map { "\($0.count) → \(after.count) bytes" } ?? "\(after.count) bytes"
            lines = ["Binary file \(path) \(isNew ? "added" : "changed") (\(sizes))"]
        } else if before == nil && !isNew {
            lines = ["(the running revision's content of \(path) is not available here: only its SHA-256 is compared)"]
        } else {
            let old = before.map { UnifiedDiff.split(String(decoding: $0, as: UTF8.self)) } ?? []
            let new = UnifiedDiff.split(String(decoding: after, as: UTF8.self))
            lines = [isNew ? "--- /dev/null" : "--- a/\(path)", "+++ b/\(path)"]
            if let edits = UnifiedDiff.lines(old, new) {
                lines += UnifiedDiff.hunks(edits)
            } else {
                lines = ["\(path) is rewritten: \(old.count) lines → \(new.count) lines, too many changes to show as a diff"]
            }
        }
        let omitted = max(0, lines.count - maximumLines)
        return ScriptDiff(path: path, lines: Array(lines.prefix(maximumLines)), omitted: omitted)
    }

    /// NUL bytes or invalid UTF-8: not text a diff can show.
    static func isBinary(_ bytes: [UInt8]) -> Bool {
        bytes.contains(0) || String(validating: bytes, as: UTF8.self) == nil
    }
}

extension Plan {
    /// Gives every created or changed reaction whose script content changes its diff.
    /// `before`: the running revision's script contents by SHA-256 (`plan.scripts` holds
    /// the planned ones).
    public mutating func attachScriptDiffs(before: [String: [UInt8]]) {
        for i in changes.indices where changes[i].address.kind == .reaction && changes[i].action != .delete {
            guard let script = changes[i].after?["then"]?["script"], let path = script["path"]?.stringValue,
                  let afterDigest = script["content_sha256"]?.stringValue, let content = scripts[afterDigest] else { continue }
            let beforeDigest = changes[i].before?["then"]?["script"]?["content_sha256"]?.stringValue
            if beforeDigest == afterDigest { continue }
            changes[i].scriptDiff = ScriptDiff.make(path: path, before: beforeDigest.flatMap { before[$0] }, after: content,
                                                    isNew: beforeDigest == nil)
        }
    }
}
