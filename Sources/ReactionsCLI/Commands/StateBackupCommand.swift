import Foundation
import ReactionsCore
import ReactionsStore

/// `reactions state backup FILE` and `state verify FILE`.
extension StateCommand {
    static func backup(_ args: Arguments, path: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let destination = args.positionals.dropFirst().first else {
            throw CLIError.usage("backup needs the FILE to write the copy to", command: "state")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CLIError(message: "\(destination): it already exists; back up to a new file name (a backup never overwrites a file)")
        }
        guard let file = StateInput.backend(path) as? SQLiteBackend else {
            throw CLIError(message: "state backup copies a SQLite state file; back a database server up with its own tools")
        }
        let summary = try StateInput.call { () throws(StoreError) in try SQLiteBackup.backup(from: file.path, to: destination) }
        terminal.line("Backed up the state to \(Paths.absolute(destination)) (\(Text.bytes(summary.bytes)), \(summary.milliseconds) ms).")
        terminal.line(terminal.style("Check it with: reactions state verify \(StateLocation.shellWord(destination))", .dim))
        return ExitCode.ok
    }

    static func verify(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let file = args.positionals.dropFirst().first else {
            throw CLIError.usage("verify needs the FILE to check (a backup, or a state file)", command: "state")
        }
        let report = try StateInput.call { () throws(StoreError) in try SQLiteBackup.verify(file) }
        if args.value("format") == "json" {
            terminal.write(json(report).prettyText)
            return report.ok ? ExitCode.ok : ExitCode.error
        }
        guard report.integrity == ["ok"] else {
            terminal.error("\(file) is damaged: SQLite's integrity check found:")
            for line in report.integrity { terminal.error("  " + line) }
            return ExitCode.error
        }
        guard report.schema > 0 else {
            terminal.error("\(file) is a database, but not a reactions state (it has no schema version)")
            return ExitCode.error
        }
        guard report.schema <= report.supportedSchema else {
            terminal.error(StoreError.newerSchema(found: report.schema, supported: report.supportedSchema).description)
            return ExitCode.error
        }
        terminal.line("\(file): a reactions state, intact (schema \(report.schema)"
            + (report.schema < report.supportedSchema ? ", upgraded to \(report.supportedSchema) when opened" : "") + ")")
        if let head = report.head {
            terminal.line("  revision \(head.number) (\(head.hash.prefix(12))), applied \(head.createdAt) by \(head.createdBy)")
        } else {
            terminal.line("  no revision applied")
        }
        terminal.line("  \(Text.count(report.deploys, "deploy"))" + (report.latestDeploy.map { ", the latest received \($0)" } ?? "")
            + ", \(Text.count(report.suggestions, "suggestion"))")
        let deliveries = DeliveryStatus.allCases.map { "\(Text.number(report.deliveries[$0] ?? 0)) \($0.rawValue)" }.joined(separator: ", ")
        terminal.line("  \(Text.count(report.events, "event")); deliveries: \(deliveries); \(Text.count(report.attempts, "attempt"))")
        terminal.line("  \(Text.bytes(report.bytes))")
        return ExitCode.ok
    }

    private static func json(_ r: SQLiteBackup.Report) -> JSON {
        .object([
            "ok": .bool(r.ok), "integrity": .array(r.integrity.map(JSON.string)), "schema": .int(r.schema),
            "supported_schema": .int(r.supportedSchema),
            "revision": r.head.map { .object(["number": .int($0.number), "hash": .string($0.hash), "created_at": .string($0.createdAt),
                                              "created_by": .string($0.createdBy)]) } ?? .null,
            "deploys": .int(r.deploys), "latest_deploy_received_at": r.latestDeploy.map(JSON.string) ?? .null,
            "events": .int(r.events), "attempts": .int(r.attempts), "suggestions": .int(r.suggestions),
            "deliveries": .object(DeliveryStatus.allCases.map { JSON.Member($0.rawValue, .int(r.deliveries[$0] ?? 0)) }),
            "bytes": .int(r.bytes),
        ])
    }
}
