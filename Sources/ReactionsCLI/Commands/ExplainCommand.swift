import Foundation
import ReactionsCore
import ReactionsStore

struct ExplainCommand: Command {
    static let spec = CommandSpec(
        name: "explain",
        summary: "Explain a recorded event: which reactions it fired, why the others did not, what they rendered.",
        usage: ["explain EVENT_ID [--state FILE] [--format text|json]"],
        options: [Paths.stateOption,
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: """
        Replays the stored event against the revision it was received under (not the current
        one), with the same matcher and renderer the runtime uses, then shows what the runtime
        did: each delivery queued for the event with every attempt (status, latency, the start
        of the response or the script's output). Secrets show as «secret NAME». Event ids are
        in webhook responses, /api/v1/events and the logs.
        """,
        maxPositionals: 1)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let id = args.positionals.first else { throw CLIError.usage("explain needs an EVENT_ID", command: "explain") }
        let path = try StateInput.existing(args, terminal)
        let (envelope, revisionNumber) = try RecordedEventInput.local(id, path: path)
        guard let store = try StateInput.openIfPresent(path) else { throw CLIError(message: "there is no state at \(path)") }
        let number: Int
        if let revisionNumber { number = revisionNumber } else {
            guard let head = try StateInput.head(store) else { throw CLIError(message: "no revision is applied") }
            number = head.info.number
        }
        guard let revision = try StateInput.call({ () throws(StoreError) in try store.revision(number) }) else {
            throw CLIError(message: StoreError.notFound(revision: number).description)
        }
        let (config, _) = revision.document.config()
        let run = DryRun(event: envelope, config: config)
        let deliveries = try attemptedDeliveries(of: id, path: path)
        if args.value("format") == "json" {
            terminal.write(JSON.object([
                "event": envelope, "revision": .int(number), "reactions": DryRunView.json(run),
                "deliveries": .array(deliveries.map(\.json)),
            ]).prettyText)
            return ExitCode.ok
        }
        terminal.line(terminal.style("Event \(id)", .bold) + ": \(envelope["type"]?.stringValue ?? "?") at \(envelope["time"]?.stringValue ?? "?")"
            + (envelope["endpoint"]?.stringValue.map { " from endpoint \($0)" } ?? "") + ", under revision \(number).")
        terminal.line(DryRunView.firingSummary(run) + "\n")
        DryRunView.outcomes(run, terminal: terminal)
        terminal.line("")
        if deliveries.isEmpty {
            terminal.line(terminal.style("No deliveries were queued for this event.", .dim))
        }
        for delivery in deliveries {
            terminal.line(terminal.style("Delivery \(delivery.id)", .bold) + " of \(delivery.reaction): "
                + DeliveriesCommand.status(delivery.status, terminal, inline: true) + " after \(Text.count(delivery.attempts, "attempt"))")
            AttemptsView.write(delivery.attemptLog, terminal: terminal)
        }
        return ExitCode.ok
    }

    /// What the runtime actually did with the event: its deliveries, each with every attempt.
    static func attemptedDeliveries(of eventID: String, path: String) throws(CLIError) -> [StoredDelivery] {
        guard let store = try DeployInput.openDeliveries(path) else { return [] }
        return try StateInput.call { () throws(StoreError) -> [StoredDelivery] in
            try store.deliveries(DeliveryQuery(eventID: eventID, limit: 1000)).sorted { $0.reaction < $1.reaction }.map { d throws(StoreError) in
                var full = d
                full.attemptLog = try store.attempts(of: d.id)
                return full
            }
        }
    }
}
