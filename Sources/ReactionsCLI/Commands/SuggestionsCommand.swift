import ReactionsCore
import ReactionsStore

struct SuggestionsCommand: Command {
    static let spec = CommandSpec(
        name: "suggestions",
        summary: "List service names deploys used that no declared service matches.",
        usage: ["suggestions [--state FILE] [--format text|json]"],
        options: [Paths.stateOption,
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: "Declare each as a service, or add it as an alias of an existing one, and its deploys match from then on.")

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let store = try DeployInput.open(Paths.state(args, terminal.environment))
        let suggestions = try StateInput.call { () throws(StoreError) in try store?.suggestions() ?? [] }
        if args.value("format") == "json" {
            terminal.write(JSON.array(suggestions.map(\.json)).prettyText)
            return ExitCode.ok
        }
        guard !suggestions.isEmpty else {
            terminal.line("No suggestions: every deploy matched a declared service.")
            return ExitCode.ok
        }
        for s in suggestions {
            terminal.line("\(s.service)  \(s.deploys) deploy\(s.deploys == 1 ? "" : "s")  \(s.environments.joined(separator: ", "))  first \(s.firstSeen)  last \(s.lastSeen)")
        }
        return ExitCode.ok
    }
}
