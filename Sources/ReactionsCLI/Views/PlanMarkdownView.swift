import ReactionsCore

/// A plan as a pull-request comment: the summary and destructive changes first, details
/// folded, always under GitHub's 65,536-character limit.
///
/// The hidden marker lets CI find and update its own comment in place. Truncation is
/// deterministic: details go first, then table rows, each cut at a whole entry, with a
/// note of what was left out.
struct PlanMarkdownView {
    static let marker = "<!-- reactions-plan -->"
    /// GitHub's limit is 65,536; the rest is headroom for the truncation note.
    static let limit = 65_000

    func render(_ plan: Plan, title: String? = nil) -> String {
        let s = plan.summary
        var head = Self.marker + "\n"
        head += "### \(title ?? "reactions plan"): "
        head += plan.hasChanges ? "\(s.add) to add, \(s.change) to change, \(s.destroy) to destroy\n\n" : "no changes\n\n"
        if let base = plan.base {
            head += "Against revision \(base.number) (`\(base.hash.prefix(12))`).\n\n"
        } else {
            head += "Against an empty state (first apply).\n\n"
        }
        let destructive = plan.destructiveChanges
        var caution = ""
        if !destructive.isEmpty {
            caution += "> [!CAUTION]\n> **\(Text.count(destructive.count, "destructive change"))**: resources destroyed or replaced.\n>\n"
            for change in destructive {
                let reasons = change.reasons.isEmpty ? "" : " — " + change.reasons.joined(separator: "; ")
                caution += "> - `\(change.action.symbol)` `\(change.address)`\(reasons)\n"
            }
            caution += "\n"
        }
        var warnings = ""
        if !plan.warnings.isEmpty {
            warnings += "> [!WARNING]\n> **\(Text.count(plan.warnings.count, "warning"))**\n>\n"
            for w in plan.warnings {
                let location = w.location.map { "`\($0)` " } ?? ""
                warnings += "> - \(location)\(Self.escape(w.message))\n"
            }
            warnings += "\n"
        }
        var rows: [String] = []
        for change in plan.changes {
            let location = change.location.map { "`\($0.file):\($0.position.line)`" } ?? "—"
            rows.append("| `\(change.action.symbol)` | `\(change.address)` | \(change.action.rawValue) | \(location) |")
        }
        let tableHead = "| | Resource | Action | Source |\n|---|---|---|---|\n"

        // The replay's section comes after the changes, but its room is set aside first: it
        // has its own share of the budget, and the changes fit in what is left.
        let replaySection = plan.replay.map { Self.replay($0, budget: Self.replayBudget) } ?? ""
        let limit = Self.limit - replaySection.utf8.count
        var out = head + caution + warnings
        guard plan.hasChanges else { return out + replaySection }
        // Fit the table, then as many detail blocks as the budget allows, whole entries only.
        var size = out.utf8.count + tableHead.utf8.count
        var table = tableHead
        var shownRows = 0
        for row in rows {
            let rowSize = row.utf8.count + 1
            if size + rowSize + 400 > limit { break }
            table += row + "\n"
            size += rowSize
            shownRows += 1
        }
        out += table
        if shownRows < rows.count {
            let more = rows.count - shownRows
            out += "\n_\(Text.count(more, "more change")) \(more == 1 ? "is" : "are") not listed: the comment would pass GitHub's size limit. Run `reactions plan` to see them all._\n"
            return out + replaySection
        }
        let opening = "\n<details><summary>Details</summary>\n\n"
        let footer = "\n</details>\n"
        size += opening.utf8.count + footer.utf8.count
        out += opening
        var shownDetails = 0
        for change in plan.changes {
            let d = detail(change)
            let detailSize = d.utf8.count
            if size + detailSize + 300 > limit { break }
            out += d
            size += detailSize
            shownDetails += 1
        }
        if shownDetails < plan.changes.count {
            let more = plan.changes.count - shownDetails
            out += "_Details of \(Text.count(more, "more change")) \(more == 1 ? "is" : "are") left out to stay under GitHub's comment size limit; run `reactions plan` to see them._\n"
        }
        out += footer
        return out + replaySection
    }

    func detail(_ change: ResourceChange) -> String {
        let text = PlanTextView(terminal: Terminal(environment: ["NO_COLOR": "1"], noColorFlag: true)).block(change, includeDiffs: false)
        let fence = Self.fence(for: text)
        return "\(fence)diff\n" + diffMarked(text) + "\(fence)\n\n" + ChangeDiff.all(change).map(\.markdown).joined()
    }

    /// GitHub colours `diff` blocks by the first column: move the symbol there.
    func diffMarked(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop(while: { $0 == " " })
            for symbol in ["-/+", "+", "~", "-"] where trimmed.hasPrefix(symbol + " ") {
                let mark = symbol == "~" ? "!" : (symbol == "-/+" ? "!" : symbol)
                return mark + " " + String(line.dropFirst())
            }
            return line.isEmpty ? "" : "  " + line
        }.joined(separator: "\n")
    }

    /// A code fence longer than any backtick run inside, so values cannot close it.
    static func fence(for text: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\`*_[]<>|#".contains(c) { out.append("\\") }
            out.append(c == "\n" ? " " : c)
        }
        return out
    }
}
