import Foundation
import ReactionsCore
import ReactionsStore

struct DeliveriesCommand: Command {
    static let spec = CommandSpec(
        name: "deliveries",
        summary: "List deliveries of reactions' actions, show one with its attempts, or redeliver one.",
        usage: ["deliveries [--state FILE] [--status STATUS] [--reaction NAME] [--event ID] [--limit N] [--format text|json]",
                "deliveries show ID [--state FILE] [--format text|json]",
                "deliveries retry ID [--state FILE]"],
        options: [Paths.stateOption,
                  .init(name: "status", value: "STATUS", help: "Only deliveries in this state.", allowed: DeliveryStatus.allCases.map(\.rawValue)),
                  .init(name: "reaction", value: "NAME", help: "Only deliveries of this reaction."),
                  .init(name: "event", value: "ID", help: "Only deliveries caused by this event."),
                  .init(name: "limit", value: "N", help: "At most N deliveries (default 50)."),
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: """
        Every event that fires a reaction queues one delivery, in the event's own transaction.
        A delivery is pending until its first attempt, retrying after a failed one, delivered,
        or failed once every attempt of its retry schedule has failed (a dead letter, which also
        raises a reaction.failed event). retry attempts a delivery again now with a fresh retry
        budget and the same id (the webhook-id receivers see): a delivered or failed one, or a
        retrying one without waiting for its next scheduled attempt; a running `serve` on the
        same state picks it up within a second. A delivery whose attempt failed only because a
        secret was missing is attempted again as soon as the secret resolves.
        """,
        maxPositionals: 2)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        if let sub = args.positionals.first, sub != "show", sub != "retry" {
            throw CLIError.usage("unknown subcommand \"\(sub)\"; use show or retry, or no subcommand to list", command: "deliveries")
        }
        let path = try StateInput.existing(args, terminal)
        switch args.positionals.first {
        case nil: return try list(args, path: path, terminal)
        case "show"?:
            guard let id = args.positionals.dropFirst().first else { throw CLIError.usage("deliveries show needs a delivery ID", command: "deliveries") }
            return try show(id, args, path: path, terminal)
        case "retry"?:
            guard let id = args.positionals.dropFirst().first else { throw CLIError.usage("deliveries retry needs a delivery ID", command: "deliveries") }
            return try retry(id, path: path, terminal)
        case let other?:
            throw CLIError.usage("unknown subcommand \"\(other)\"; use show or retry, or no subcommand to list", command: "deliveries")
        }
    }

    static func list(_ args: Arguments, path: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        var limit = 50
        if let text = args.value("limit") {
            guard let n = Int(text), n > 0 else { throw CLIError.usage("--limit must be a positive number", command: "deliveries") }
            limit = n
        }
        let query = DeliveryQuery(status: args.value("status").flatMap(DeliveryStatus.init(rawValue:)), reaction: args.value("reaction"),
                                  eventID: args.value("event"), limit: limit)
        let store = try DeployInput.openDeliveries(path)
        let deliveries = try StateInput.call { () throws(StoreError) in try store?.deliveries(query) ?? [] }
        if args.value("format") == "json" {
            terminal.write(JSON.array(deliveries.map(\.json)).prettyText)
            return ExitCode.ok
        }
        guard !deliveries.isEmpty else {
            terminal.line(query.status == nil && query.reaction == nil && query.eventID == nil
                          ? "No deliveries yet: no event has fired a reaction." : "No deliveries match.")
            return ExitCode.ok
        }
        for d in deliveries {
            var line = "\(d.id)  \(d.createdAt)  \(Text.pad(d.reaction, 24)) \(Text.pad(d.eventType, 18)) \(status(d.status, terminal))"
            line += "  attempts: \(d.attempts)"
            if d.status == .retrying || d.status == .pending { line += terminal.style("  next: \(Timestamp.format(milliseconds: d.nextAt))", .dim) }
            if let error = d.lastError, d.status != .delivered { line += "  " + terminal.style(error, .dim) }
            terminal.line(line)
        }
        return ExitCode.ok
    }

    /// The status in its colour, padded to the table's column unless `inline`.
    static func status(_ s: DeliveryStatus, _ terminal: Terminal, inline: Bool = false) -> String {
        let text = inline ? s.rawValue : Text.pad(s.rawValue, 10)
        switch s {
        case .delivered: return terminal.style(text, .green)
        case .failed: return terminal.style(text, .red)
        case .retrying: return terminal.style(text, .yellow)
        case .pending: return text
        }
    }

    static func show(_ id: String, _ args: Arguments, path: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let store = try DeployInput.openDeliveries(path) else { throw CLIError(message: RedeliverError.notFound(id).description) }
        guard let delivery = try StateInput.call({ () throws(StoreError) in try store.delivery(id: id) }) else {
            throw CLIError(message: store.missing(id))
        }
        if args.value("format") == "json" {
            terminal.write(delivery.json.prettyText)
            return ExitCode.ok
        }
        terminal.line(terminal.style("Delivery \(delivery.id)", .bold) + "  \(status(delivery.status, terminal, inline: true))")
        terminal.line("  reaction \(delivery.reaction) (revision \(delivery.revision)), event \(delivery.eventID) (\(delivery.eventType))")
        terminal.line("  queued \(delivery.createdAt), updated \(delivery.updatedAt)")
        if delivery.status == .pending || delivery.status == .retrying {
            terminal.line("  next attempt at \(Timestamp.format(milliseconds: delivery.nextAt))")
        }
        terminal.line("")
        AttemptsView.write(delivery.attemptLog, terminal: terminal)
        return ExitCode.ok
    }

    static func retry(_ id: String, path: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let store = try DeployInput.openDeliveries(path) else { throw CLIError(message: "there is no state at \(Paths.absolute(path))") }
        do {
            let delivery = try store.redeliver(id: id, now: Timestamp.epochMilliseconds())
            terminal.line("Delivery \(delivery.id) (\(delivery.reaction)) is queued to be attempted now; a running `reactions serve` sends it within a second.")
            return ExitCode.ok
        } catch .notFound {
            throw CLIError(message: store.missing(id))
        } catch {
            throw CLIError(message: error.description)
        }
    }
}
