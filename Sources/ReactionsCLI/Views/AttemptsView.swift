import Foundation
import ReactionsStore

/// A delivery's attempts, for `deliveries show` and `explain`.
enum AttemptsView {
    static func write(_ attempts: [AttemptRecord], terminal: Terminal, indent: String = "  ") {
        guard !attempts.isEmpty else {
            terminal.line(indent + terminal.style("no attempt yet", .dim))
            return
        }
        for a in attempts {
            let result = a.succeeded ? terminal.style("ok", .green) : terminal.style("failed", .red)
            var line = "\(indent)#\(a.number)  \(a.startedAt)  \(result)  \(a.milliseconds) ms"
            if let status = a.httpStatus { line += "  HTTP \(status)" }
            if let exit = a.exitStatus { line += "  exit \(exit)" }
            if let error = a.error { line += "  " + error }
            terminal.line(line)
            let response = a.response.trimmingCharacters(in: .whitespacesAndNewlines)
            if !response.isEmpty {
                for text in response.split(separator: "\n", omittingEmptySubsequences: false).prefix(8) {
                    terminal.line(indent + "    " + terminal.style(String(text), .dim))
                }
            }
        }
    }
}
