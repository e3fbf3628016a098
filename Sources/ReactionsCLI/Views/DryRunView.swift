import ReactionsCore

/// How `simulate` and `explain` show a rendered action: the request as it would go on the
/// wire, or the command line a script would run with.
enum DryRunView {
    /// Each reaction's outcome as `simulate` and `explain` print it with `--format json`.
    static func json(_ run: DryRun) -> JSON {
        .array(run.outcomes.map { o in
            .object(["name": .string(o.reaction.name), "fires": .bool(o.reason == nil),
                     "reason": o.reason.map(JSON.string) ?? .null, "action": o.action ?? .null])
        })
    }

    /// One line per reaction: ✓ with the rendered action, or ✗ with why not.
    static func outcomes(_ run: DryRun, terminal: Terminal) {
        for outcome in run.outcomes {
            if let reason = outcome.reason {
                terminal.line(terminal.style("  ✗ \(outcome.reaction.name)", .dim) + "  " + reason)
            } else {
                terminal.line(terminal.style("  ✓ \(outcome.reaction.name)", .green, .bold))
                for line in describe(outcome.action ?? .null) { terminal.line("      " + line) }
            }
        }
    }

    static func firingSummary(_ run: DryRun) -> String {
        let firing = run.outcomes.filter { $0.reason == nil }.count
        // The verb agrees with how many fire: "1 of 3 reactions fires", "2 of 3 reactions fire".
        return "\(firing) of \(Text.count(run.outcomes.count, "reaction")) \(firing == 1 ? "fires" : "fire")."
    }

    static func describe(_ action: JSON) -> [String] {
        switch action["kind"]?.stringValue {
        case "http":
            return request(action)
        case "script":
            let argv = ([action["interpreter"]?.stringValue, action["path"]?.stringValue].compactMap { $0 }
                + (action["args"]?.arrayValue ?? []).compactMap(\.stringValue)).map { JSONWriter.quoted($0) }
            var lines = ["run " + argv.joined(separator: " ") + "  (no shell; the event JSON on stdin; timeout \(action["timeout"]?.stringValue ?? "60s"))"]
            for variable in action["env"]?.objectMembers ?? [] { lines.append("env \(variable.key)=\(variable.value.stringValue ?? "")") }
            return lines
        default:
            let title = "integration \(action["integration"]?.stringValue ?? "") (\(action["template"]?.stringValue ?? "?"))"
            if let error = action["error"]?.stringValue { return [title, "cannot render: \(error)"] }
            return [title] + request(action)
        }
    }

    /// An outgoing request as it would go on the wire (secrets as «secret NAME»).
    static func request(_ action: JSON) -> [String] {
        var lines = ["\(action["method"]?.stringValue ?? "POST") \(action["url"]?.stringValue ?? "")"]
        for header in action["headers"]?.objectMembers ?? [] { lines.append("\(header.key): \(header.value.stringValue ?? "")") }
        if let body = action["body"], body != .null {
            lines.append("")
            lines += body.prettyText.split(separator: "\n").map(String.init)
        }
        lines.append("(timeout \(action["timeout"]?.stringValue ?? "10s")\(action["signed"] == .bool(true) ? ", signed with Standard Webhooks" : ""))")
        return lines
    }
}
