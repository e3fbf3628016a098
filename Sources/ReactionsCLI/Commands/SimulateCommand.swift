import Foundation
import ReactionsCore

struct SimulateCommand: Command {
    static let spec = CommandSpec(
        name: "simulate",
        summary: "Show which reactions an event fires and exactly what they would send, sending nothing.",
        usage: ["simulate [--config DIR] --deploy FILE [--endpoint NAME] [--format text|json]",
                "simulate [--config DIR] --webhook NAME --payload FILE [--query k=v ...] [--format text|json]",
                "simulate [--config DIR] --event FILE [--format text|json]"],
        options: [Paths.configOption,
                  .init(name: "deploy", value: "FILE", help: "An OpsLevel deploy payload, as CI would POST it."),
                  .init(name: "endpoint", value: "NAME", help: "With --deploy: the deploy endpoint it arrives at (default: the first)."),
                  .init(name: "webhook", value: "NAME", help: "A webhook endpoint the payload arrives at."),
                  .init(name: "payload", value: "FILE", help: "With --webhook: the request body (JSON)."),
                  .init(name: "query", value: "K=V", help: "With --webhook: a query-string parameter (repeat the option for more)."),
                  .init(name: "event", value: "FILE", help: "A CloudEvents JSON event (type, data, …)."),
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: """
        For every reaction: whether it fires, and if not, the filter clause that fails; for those
        that fire, the fully rendered HTTP request or script invocation. Secrets show as
        «secret NAME»: a dry run never reads them. Nothing is sent, run or recorded.

        Exit status: 0 success, 1 error (invalid config, or an input the runtime would refuse).
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let (config, _) = try ConfigInput.load(Paths.config(args, terminal.environment), terminal: terminal)
        func read(_ path: String) throws(CLIError) -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError(message: "cannot read \(path)") }
            return [UInt8](data)
        }
        let sources = ["deploy", "webhook", "event"].filter { args.value($0) != nil }
        guard sources.count == 1 else {
            throw CLIError.usage("give exactly one of --deploy FILE, --webhook NAME --payload FILE, or --event FILE", command: "simulate")
        }
        let event: JSON
        do {
            if let file = args.value("deploy") {
                event = try SimulatedEvent.deploy(try read(file), endpoint: args.value("endpoint"), config: config)
            } else if let name = args.value("webhook") {
                guard let payload = args.value("payload") else { throw CLIError.usage("--webhook needs --payload FILE", command: "simulate") }
                event = try SimulatedEvent.webhook(name, payload: try read(payload), query: args.repeatedValues("query").map(Self.pair), config: config)
            } else {
                event = try SimulatedEvent.event(try read(args.value("event") ?? ""))
            }
        } catch let error as SimulatedEvent.Failure {
            throw CLIError(message: error.description)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(message: "\(error)")
        }
        let run = DryRun(event: event, config: config)
        if args.value("format") == "json" {
            terminal.write(JSON.object([
                "event": run.event, "reactions": DryRunView.json(run),
            ]).prettyText)
            return ExitCode.ok
        }
        let type = event["type"]?.stringValue ?? "?"
        terminal.line(terminal.style("Event \(type)", .bold) + (event["service"]?.stringValue.map { " for \($0)" } ?? "")
            + (event["endpoint"]?.stringValue.map { " from endpoint \($0)" } ?? "") + ": " + DryRunView.firingSummary(run) + "\n")
        DryRunView.outcomes(run, terminal: terminal)
        terminal.line("\nNothing was sent, run or recorded.")
        return ExitCode.ok
    }

    static func pair(_ text: String) -> (String, String) {
        guard let eq = text.firstIndex(of: "=") else { return (text, "") }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }
}
