import ReactionsCore

/// How a plan shows its replay (`plan --replay`): a headline a reviewer reads first, then per
/// reaction the counts, examples of the events it starts or stops firing on, and what it
/// would send.
struct ReplayView {
    var terminal: Terminal

    /// `Replay against the last 7 days, 1,204 events: 2 reactions change behaviour`.
    static func headline(_ replay: Replay) -> String {
        let changing = replay.behaviourChanges.count
        let verdict = changing == 0 ? "no reaction changes behaviour" : "\(Text.count(changing, "reaction")) change\(changing == 1 ? "s" : "") behaviour"
        return "Replay against \(span(replay.window)), \(Text.count(replay.window.events, "event")): \(verdict)"
    }

    /// `the last 7 days`, `the last 5 hours`, or since a time when the window is a count.
    static func span(_ window: Replay.Window) -> String {
        guard let since = window.since, let from = Timestamp.milliseconds(since), let to = Timestamp.milliseconds(window.until) else {
            return "everything recorded"
        }
        let minutes = max(0, (to - from) / 60_000)
        if minutes >= 2 * 1_440, minutes % 1_440 < 2 { return "the last \(minutes / 1_440) days" }
        if minutes >= 120, minutes % 60 < 2 { return "the last \(minutes / 60) hours" }
        if minutes >= 1, minutes < 120 { return "the last \(Text.count(Int(minutes), "minute"))" }
        return "events since \(Text.time(since))"
    }

    func render(_ replay: Replay) -> String {
        var out = terminal.style(Self.headline(replay), .bold) + "\n"
        for outcome in replay.reactions {
            out += "\n" + lines(outcome).map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        out += "\n  " + Self.coverage(replay) + "\n"
        return out
    }

    static func coverage(_ replay: Replay) -> String {
        "Events no reaction fires: \(replay.unmatchedBefore) now, \(replay.unmatchedAfter) with this plan."
    }

    /// One reaction: its counts, then examples and the rendered action, indented.
    func lines(_ outcome: Replay.Outcome) -> [String] {
        let (symbol, color): (String, Terminal.Style) = switch outcome.change {
        case .created: ("+", .green)
        case .deleted: ("-", .red)
        case .changed, .integrationChanged: ("~", .yellow)
        case nil: ("!", .magenta)
        }
        var why = ""
        if outcome.change == .integrationChanged { why = " (its integration changes)" }
        if outcome.change == nil { why = " (unchanged; what it fires on changes)" }
        var lines = [terminal.style(symbol, color) + " reaction \"\(outcome.name)\"\(why): " + Self.counts(outcome)]
        for (label, examples) in [("starts firing on", outcome.startedExamples), ("stops firing on", outcome.stoppedExamples)] where !examples.isEmpty {
            lines.append(terminal.style("    \(label):", .dim))
            for e in examples { lines.append(terminal.style("      " + Self.example(e), .dim)) }
        }
        if let rendered = outcome.rendered {
            // Shown twice only when what a reader sees differs (a script's digest is not shown).
            if let before = rendered.before, DryRunView.describe(before) != DryRunView.describe(rendered.after) {
                lines.append(terminal.style("    sends now, for event \(rendered.event):", .dim))
                lines += DryRunView.describe(before).map { terminal.style("      " + $0, .dim) }
                lines.append(terminal.style("    would send with this plan:", .dim))
            } else {
                lines.append(terminal.style("    would send, for event \(rendered.event):", .dim))
            }
            lines += DryRunView.describe(rendered.after).map { terminal.style("      " + $0, .dim) }
        }
        return lines
    }

    /// `fired 40 → would fire 52 (12 start, 0 stop)`.
    static func counts(_ o: Replay.Outcome) -> String {
        let moves = "(\(o.started) start, \(o.stopped) stop)"
        switch o.change {
        case .created: return "would fire on \(Text.count(o.after, "event")) \(moves)"
        case .deleted: return "fired on \(Text.count(o.before, "event")), would fire on none \(moves)"
        default: return "fired on \(Text.count(o.before, "event")) → would fire on \(o.after) \(moves)"
        }
    }

    static func example(_ e: Replay.Example) -> String {
        [e.id, e.type, e.service, e.environment, Text.time(e.time)].compactMap { $0 }.joined(separator: "  ")
    }
}
