import ReactionsCore

/// The terminal rendering of a plan, in the shape Terraform users read every day:
/// `+` create, `~` update with `before → after`, `-` destroy, `-/+` replace.
struct PlanTextView {
    var terminal: Terminal

    func render(_ plan: Plan) -> String {
        var out = ""
        if !plan.hasChanges {
            out += terminal.style("No changes.", .green, .bold) + " The running state matches the configuration.\n"
        } else {
            out += "reactions will perform the following actions:\n\n"
            for change in plan.changes { out += block(change) + "\n" }
        }
        if let replay = plan.replay {
            out += (plan.hasChanges ? "" : "\n") + ReplayView(terminal: terminal).render(replay) + "\n"
        }
        if !plan.warnings.isEmpty {
            out += terminal.style("Warnings:", .yellow, .bold) + "\n"
            out += DiagnosticsView(terminal: terminal).render(plan.warnings).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
            out += "\n"
        }
        if plan.hasChanges { out += terminal.style(plan.summaryLine, .bold) + "\n" }
        return out
    }

    func color(_ action: ResourceChange.Action) -> Terminal.Style {
        switch action {
        case .create: return .green
        case .update: return .yellow
        case .delete: return .red
        case .replace: return .magenta
        }
    }

    /// `includeDiffs`: false for Markdown, which shows them as `diff` blocks of their own.
    func block(_ change: ResourceChange, includeDiffs: Bool = true) -> String {
        let verb: String
        switch change.action {
        case .create: verb = "will be created"
        case .update: verb = "will be updated in place"
        case .delete: verb = "will be destroyed"
        case .replace: verb = "must be replaced"
        }
        var out = terminal.style("  # \(change.address) \(verb)", .bold)
        if let location = change.location { out += terminal.style("  (\(location))", .dim) }
        out += "\n"
        let symbol = change.action.symbol
        let head = String(repeating: " ", count: max(0, 3 - symbol.count)) + terminal.style(symbol, color(change.action))
        if change.action == .delete {
            out += "\(head) \(change.address.kind.rawValue) \"\(change.address.name)\"\n"
            for reason in change.reasons { out += terminal.style("      # \(reason)", .dim) + "\n" }
            return out
        }
        out += "\(head) \(change.address.kind.rawValue) \"\(change.address.name)\" {\n"
        let width = change.fields.map(\.path.count).max() ?? 0
        for field in change.fields {
            out += "      " + fieldLine(field, width: width) + "\n"
        }
        for reason in change.reasons { out += terminal.style("      # \(reason)", .dim) + "\n" }
        let diffs = ChangeDiff.all(change)
        if includeDiffs {
            for diff in diffs { out += diff.text(terminal) }
        }
        // A changed request is shown by its diff; otherwise the request itself.
        if let preview = change.preview, change.previewBefore == nil || change.previewBefore == preview {
            out += terminal.style("      # sends, for a sample deploy:", .dim) + "\n"
            for line in DryRunView.request(preview.json) where !line.isEmpty {
                out += terminal.style("      #   " + line, .dim) + "\n"
            }
        }
        out += "    }\n"
        return out
    }

    func fieldLine(_ field: ResourceChange.FieldChange, width: Int) -> String {
        let name = Text.pad(field.path, width)
        let after = field.afterUnknown ? terminal.style("(known after apply)", .dim) : ValueText.short(field.after)
        var line: String
        switch (field.before, field.after) {
        case (nil, _):
            line = terminal.style("+", .green) + " \(name) = \(after)"
        case (let before?, nil) where !field.afterUnknown:
            line = terminal.style("-", .red) + " \(name) = \(ValueText.short(before))" + terminal.style(" → null", .dim)
        default:
            line = terminal.style("~", .yellow) + " \(name) = \(ValueText.short(field.before)) → \(after)"
        }
        if field.forcesReplacement { line += terminal.style(" # forces replacement", .red) }
        return line
    }
}

/// How values appear in plans: one line, JSON-quoted, long ones shortened in the middle.
enum ValueText {
    static func short(_ value: JSON?, limit: Int = 200) -> String {
        guard let value else { return "null" }
        let text = value.compactText
        guard text.count > limit else { return text }
        let head = text.prefix(limit / 2), tail = text.suffix(limit / 2 - 10)
        return "\(head) … \(tail)"
    }
}
