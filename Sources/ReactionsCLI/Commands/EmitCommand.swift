import Foundation
import ReactionsCore

struct EmitCommand: Command {
    static let spec = CommandSpec(
        name: "emit",
        summary: "Emit a custom.* event to a running serve (from a reaction's script, or with an admin token).",
        usage: ["emit TYPE [--data JSON | --data-file FILE] [--subject TEXT] [--service NAME] [--environment ENV] [--server URL] [--token TOKEN]"],
        options: [.init(name: "data", value: "JSON", help: "The event's data, a JSON value (default {})."),
                  .init(name: "data-file", value: "FILE", help: "Read the data from a file (- for stdin)."),
                  .init(name: "subject", value: "TEXT", help: "The event's subject."),
                  .init(name: "service", value: "NAME", help: "The service the event is about (filters read it as `service`)."),
                  .init(name: "environment", value: "ENV", help: "The environment the event is about."),
                  ScriptAPIInput.serverOption, ScriptAPIInput.tokenOption],
        discussion: """
        Inside a reaction's script nothing needs configuring: serve gives every script
        REACTIONS_API_URL and a short-lived REACTIONS_API_TOKEN that may only emit events and
        record deploys (`reactions deploys record`). An event emitted that way records the
        event that ran the script (causationid) and one more level of chain depth; past depth 8
        events are stored but fire nothing, so reactions that emit each other's events cannot
        loop forever. TYPE must be custom.<name>.
        Prints the event id; exits 1 if the server refuses the event.
        """,
        maxPositionals: 1)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let type = args.positionals.first else { throw CLIError.usage("emit needs an event TYPE (custom.<name>)", command: "emit") }
        guard EventType.isCustom(type) else {
            throw CLIError.usage("\(type) is not a custom event type: use custom.<name> (lowercase letters, digits, '.', '-', '_')", command: "emit")
        }
        let client = try ScriptAPIInput.client(args, terminal.environment, command: "emit")
        let data = try ScriptAPIInput.data(args, command: "emit") ?? .object([])
        var body: [JSON.Member] = [.init("type", .string(type)), .init("data", data)]
        for key in ["subject", "service", "environment"] {
            if let value = args.value(key) { body.append(.init(key, .string(value))) }
        }
        let response = try client.send("POST", "/api/v1/events", body: .object(body))
        guard response.status == 202, let id = response.body?["event_id"]?.stringValue else {
            throw CLIError(message: "the event was not accepted: " + APIClient.problem(response))
        }
        let reactions = response.body?["reactions"]?.intValue ?? 0
        terminal.line("\(id)  \(type) fired \(Text.count(reactions, "reaction"))")
        return ExitCode.ok
    }
}
