import ReactionsCore

/// What a change does beyond its fields, as diffs a reviewer reads: a script's content, and
/// the request an integration (or every integration built on a changed template) sends for
/// a sample deploy, before → after.
struct ChangeDiff {
    var title: String
    /// Unified diff lines: ` ` same, `-` before, `+` after, `@@` hunk headers, `---`/`+++`.
    var lines: [String]

    static func all(_ change: ResourceChange) -> [ChangeDiff] {
        var out: [ChangeDiff] = []
        if let script = change.scriptDiff {
            out.append(ChangeDiff(title: "script \(script.path)", lines: script.lines + (script.omitted > 0 ? ["… \(Text.number(script.omitted)) more diff lines not shown"] : [])))
        }
        if let before = change.previewBefore, let after = change.preview, before != after {
            out.append(ChangeDiff(title: "sends, for a sample deploy (running revision → plan)", lines: rendered(before, after)))
        }
        for preview in change.templatePreviews where preview.before != preview.after {
            out.append(ChangeDiff(title: "integration \"\(preview.integration)\" sends, for a sample deploy (running revision → plan)",
                                  lines: rendered(preview.before, preview.after)))
        }
        return out
    }

    /// Both requests in full, changed lines marked: a request is a dozen lines, and its
    /// unchanged URL and headers are what make a changed body readable.
    static func rendered(_ before: RenderedRequest?, _ after: RenderedRequest?) -> [String] {
        let old = before.map { DryRunView.request($0.json) } ?? []
        let new = after.map { DryRunView.request($0.json) } ?? []
        guard let edits = UnifiedDiff.lines(old, new) else { return new.map { "+" + $0 } }
        return edits.map { line in
            switch line {
            case .same(let text): " " + text
            case .removed(let text): "-" + text
            case .added(let text): "+" + text
            }
        }
    }

    /// For the terminal: indented under the resource, coloured by the first column.
    func text(_ terminal: Terminal, indent: String = "      ") -> String {
        var out = terminal.style(indent + "# \(title):", .dim) + "\n"
        for line in lines {
            let style: Terminal.Style? = line.hasPrefix("+++") || line.hasPrefix("---") ? .bold
                : line.hasPrefix("+") ? .green : line.hasPrefix("-") ? .red : line.hasPrefix("@@") ? .cyan : nil
            out += indent + "  " + (style.map { terminal.style(line, $0) } ?? line) + "\n"
        }
        return out
    }

    /// For a pull request: a title and a fenced `diff` block, which GitHub colours.
    var markdown: String {
        let body = lines.joined(separator: "\n") + "\n"
        let fence = PlanMarkdownView.fence(for: body)
        return "_\(PlanMarkdownView.escape(title))_\n\n\(fence)diff\n\(body)\(fence)\n\n"
    }
}
