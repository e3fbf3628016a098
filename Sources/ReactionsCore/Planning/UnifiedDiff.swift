/// A line diff in the unified format (`diff -u`), for showing a script's change in a plan.
///
/// Myers' O((N+M)·D) algorithm finds a shortest edit script; hunks carry three lines of
/// context, as `diff -u` and `git diff` print them. The work is bounded: past
/// `maximumEdits` differing lines the diff gives up (nil) and the plan says the file was
/// rewritten, since a review of that many changed lines is a review of the new file.
public enum UnifiedDiff {
    public static let context = 3
    public static let maximumEdits = 4_000

    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The edit script between two texts, line by line; nil past `maximumEdits`.
    public static func lines(_ old: [String], _ new: [String]) -> [Line]? {
        let n = old.count, m = new.count
        let maxD = min(n + m, maximumEdits)
        let offset = maxD + 1
        var v = Array(repeating: 0, count: 2 * maxD + 3)
        // One copy of `v` per step: memory O(D²) at most, bounded by `maximumEdits`.
        var trace: [[Int]] = []
        var found = false
        search: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, old[x] == new[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m {
                    found = true
                    break search
                }
            }
        }
        guard found else { return nil }
        // Walk the trace back from the end, then reverse.
        var out: [Line] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? k + 1 : k - 1
            let previousX = d == 0 ? 0 : v[offset + previousK]
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                x -= 1
                y -= 1
                out.append(.same(old[x]))
            }
            if d > 0 {
                if x == previousX { y -= 1; out.append(.added(new[y])) } else { x -= 1; out.append(.removed(old[x])) }
            }
        }
        return out.reversed()
    }

    /// `diff -u` text without the `---`/`+++` header: `@@ -a,b +c,d @@` hunks.
    public static func hunks(_ lines: [Line]) -> [String] {
        var out: [String] = []
        // Positions (1-based) in the old and new texts of lines[i].
        var oldLine = 1, newLine = 1
        var positions: [(old: Int, new: Int)] = []
        for line in lines {
            positions.append((oldLine, newLine))
            switch line {
            case .same: oldLine += 1; newLine += 1
            case .removed: oldLine += 1
            case .added: newLine += 1
            }
        }
        let changed = lines.indices.filter { if case .same = lines[$0] { return false } else { return true } }
        var c = 0
        while c < changed.count {
            // A hunk: from `context` lines before its first change to `context` after its
            // last, taking in every change with at most twice the context between it and the one before.
            let start = max(0, changed[c] - context)
            var last = changed[c]
            c += 1
            while c < changed.count && changed[c] - last - 1 <= 2 * context {
                last = changed[c]
                c += 1
            }
            let end = min(lines.count, last + context + 1)
            var oldCount = 0, newCount = 0
            var body: [String] = []
            for line in lines[start..<end] {
                switch line {
                case .same(let text): body.append(" " + text); oldCount += 1; newCount += 1
                case .removed(let text): body.append("-" + text); oldCount += 1
                case .added(let text): body.append("+" + text); newCount += 1
                }
            }
            // An empty side is numbered from the line before it, as diff does.
            let oldStart = oldCount == 0 ? positions[start].old - 1 : positions[start].old
            let newStart = newCount == 0 ? positions[start].new - 1 : positions[start].new
            out.append("@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@")
            out += body
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }

    /// Splits text into lines as `diff` does: a final newline ends the last line rather than
    /// starting an empty one; a missing one is noted as diff notes it.
    public static func split(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() } else if !lines.isEmpty { lines[lines.count - 1] += "\n\\ No newline at end of file" }
        return lines
    }
}
