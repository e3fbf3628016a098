import ReactionsCore

/// Diagnostics as compilers print them (`file:line:col: error: …`), so editors and CI
/// annotate them, with a hint line saying what to do.
struct DiagnosticsView {
    var terminal: Terminal

    func render(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            var line = ""
            if let location = d.location { line += terminal.style("\(location): ", .bold) }
            line += d.severity == .error ? terminal.style("error:", .red, .bold) : terminal.style("warning:", .yellow, .bold)
            line += " " + d.message
            var context: [String] = []
            if let resource = d.resource { context.append("in \(resource.quoted)") }
            if let location = d.location, !location.pointer.tokens.isEmpty { context.append("at \(location.pointer.dotted)") }
            if !context.isEmpty { line += terminal.style(" (" + context.joined(separator: ", ") + ")", .dim) }
            out += line + "\n"
            if let hint = d.hint { out += "  " + terminal.style("hint:", .cyan) + " " + hint + "\n" }
        }
        return out
    }

    static func counts(_ diagnostics: [Diagnostic]) -> String {
        let e = diagnostics.errors.count, w = diagnostics.warnings.count
        return Text.count(e, "error") + ", " + Text.count(w, "warning")
    }

    static func json(_ diagnostics: [Diagnostic]) -> JSON {
        .array(diagnostics.map(PlanJSON.diagnostic))
    }
}
