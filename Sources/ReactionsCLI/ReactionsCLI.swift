import ReactionsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command: its spec (options and help) and what it does. Commands are value-free
/// and thin: they parse, call the core and the store, and hand results to a view.
protocol Command: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32
}

public enum ReactionsCLI {
    static let version = "0.1.0"

    static let commands: [any Command.Type] = [
        ValidateCommand.self, PlanCommand.self, ApplyCommand.self, ServeCommand.self, SimulateCommand.self, TestCommand.self, ExplainCommand.self, DeploysCommand.self, StatsCommand.self, DeliveriesCommand.self, SuggestionsCommand.self, EmitCommand.self, IntegrationsCommand.self,
        StateCommand.self, EndpointsCommand.self, FmtCommand.self, MigrateCommand.self, VersionCommand.self,
    ]

    static var overview: String {
        var out = """
        reactions — config-as-code hub for deploy events: declare services, endpoints,
        integrations and reactions in JSON, review the plan, apply it, serve it.

        Usage: reactions <command> [options]

        Commands:

        """
        let width = (commands.map { $0.spec.name.count }.max() ?? 0) + 2
        for command in commands {
            out += "  " + Text.pad(command.spec.name, width) + command.spec.summary + "\n"
        }
        out += "\nRun `reactions <command> --help` for a command's options.\n"
        return out
    }

    /// Runs the CLI with `arguments` (without the program name) and returns the exit code.
    public static func run(_ arguments: [String]) -> Int32 {
        let terminal = Terminal(noColorFlag: arguments.contains("--no-color"))
        guard let first = arguments.first else {
            terminal.write(overview)
            return ExitCode.ok
        }
        if first == "--help" || first == "-h" || first == "help" {
            if first == "help", arguments.count > 1, let command = commands.first(where: { $0.spec.name == arguments[1] }) {
                terminal.write(command.spec.help)
            } else {
                terminal.write(overview)
            }
            return ExitCode.ok
        }
        if first == "--version" { return (try? VersionCommand.run(Arguments(), terminal)) ?? ExitCode.ok }
        guard let command = commands.first(where: { $0.spec.name == first }) else {
            let suggestion = Suggest.closest(to: first, among: commands.map { $0.spec.name }).map { " (did you mean `\($0)`?)" } ?? ""
            terminal.error("error: unknown command \"\(first)\"\(suggestion)\nRun `reactions --help` to list the commands.")
            return ExitCode.error
        }
        do {
            let parsed = try Arguments.parse(Array(arguments.dropFirst()), spec: command.spec)
            if parsed.wantsHelp {
                terminal.write(command.spec.help)
                return ExitCode.ok
            }
            return try command.run(parsed, terminal)
        } catch {
            terminal.error(terminal.style("error:", .red, .bold) + " " + error.message)
            if let name = error.command { terminal.error("Run `reactions \(name) --help` for usage.") }
            return error.exitCode
        }
    }

    public static func main() {
        exit(run(Array(CommandLine.arguments.dropFirst())))
    }
}
