import Foundation
import ReactionsCore
import ReactionsStore

/// `reactions state copy --from STATE --to STATE`.
extension StateCommand {
    static func copy(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let from = args.value("from"), let to = args.value("to") else {
            throw CLIError.usage("copy needs --from STATE and --to STATE (each a state file or a postgresql:// URI)", command: "state")
        }
        let source = StateInput.backend(from), destination = StateInput.backend(to)
        guard source.exists else { throw CLIError(message: "there is no state at \(source.displayName) to copy (--from)") }
        guard source.displayName != destination.displayName else {
            throw CLIError(message: "--from and --to name the same state (\(source.displayName))")
        }
        let started = Date()
        let report = try StateInput.call { () throws(StoreError) in try StateCopy.copy(from: source, to: destination) }
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        if args.value("format") == "json" {
            terminal.write(JSON.object([
                .init("from", .string(source.displayName)), .init("to", .string(destination.displayName)),
                .init("rows", .object(report.rows.map { .init($0.table, .int($0.count)) })), .init("milliseconds", .int(milliseconds)),
            ]).prettyText)
            return ExitCode.ok
        }
        terminal.line("Copied the state from \(source.displayName) to \(destination.displayName) in \(milliseconds) ms:")
        let width = report.rows.map(\.table.count).max() ?? 0
        for (table, count) in report.rows {
            terminal.line("  " + Text.pad(table, width) + "  " + Text.count(count, "row"))
        }
        terminal.line(terminal.style("Point serve and the CLI at it with --state or REACTIONS_STATE.", .dim))
        return ExitCode.ok
    }
}
