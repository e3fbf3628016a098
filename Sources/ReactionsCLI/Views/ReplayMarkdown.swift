import ReactionsCore

/// The replay in a pull-request comment: the headline, a table of the reactions whose firing
/// changes (and those the plan changes), coverage, then examples and rendered requests folded.
extension PlanMarkdownView {
    /// The replay's share of the 65,536 characters; the changes get the rest.
    static let replayBudget = 20_000

    static func replay(_ replay: Replay, budget: Int) -> String {
        var out = "\n#### \(escape(ReplayView.headline(replay)))\n\n"
        out += "\(escape(ReplayView.coverage(replay)))\n\n"
        guard !replay.reactions.isEmpty else { return out }
        var table = "| | Reaction | Before | After | Starts | Stops |\n|---|---|--:|--:|--:|--:|\n"
        var shown = 0
        for o in replay.reactions {
            let symbol = switch o.change {
            case .created: "+"
            case .deleted: "-"
            case .changed, .integrationChanged: "~"
            case nil: "!"
            }
            let row = "| `\(symbol)` | `\(o.name)` | \(Text.number(o.before)) | \(Text.number(o.after)) | \(Text.number(o.started)) | \(Text.number(o.stopped)) |\n"
            if out.utf8.count + table.utf8.count + row.utf8.count + 300 > budget { break }
            table += row
            shown += 1
        }
        out += table
        if shown < replay.reactions.count {
            let more = replay.reactions.count - shown
            return out + "\n_\(Text.count(more, "more reaction")) left out to stay under GitHub's size limit; run `reactions plan --replay` to see them._\n"
        }
        // Details: whole reactions, while they fit.
        let view = ReplayView(terminal: Terminal(environment: ["NO_COLOR": "1"], noColorFlag: true))
        let opening = "\n<details><summary>Examples and what changed reactions would send</summary>\n\n"
        let footer = "</details>\n"
        var details = ""
        var detailed = 0
        for o in replay.reactions {
            let text = view.lines(o).joined(separator: "\n") + "\n"
            let fence = fence(for: text)
            let block = "\(fence)text\n\(text)\(fence)\n\n"
            if out.utf8.count + opening.utf8.count + details.utf8.count + block.utf8.count + footer.utf8.count + 200 > budget { break }
            details += block
            detailed += 1
        }
        if detailed < replay.reactions.count {
            details += "_Details of \(Text.count(replay.reactions.count - detailed, "more reaction")) left out to stay under GitHub's size limit._\n\n"
        }
        return out + opening + details + footer
    }
}
