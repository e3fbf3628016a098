import ReactionsCore

struct VersionCommand: Command {
    static let spec = CommandSpec(
        name: "version",
        summary: "Print the version of reactions and of the formats it speaks.",
        usage: ["version [--format text|json]"],
        options: [.init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"])])

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        if args.value("format") == "json" {
            terminal.write(JSON.object(["version": .string(ReactionsCLI.version), "config_version": .int(ConfigDocument.currentVersion),
                                        "plan_format_version": .string(PlanJSON.formatVersion)]).prettyText)
        } else {
            terminal.line("reactions \(ReactionsCLI.version) (config version \(ConfigDocument.currentVersion), plan format \(PlanJSON.formatVersion))")
        }
        return ExitCode.ok
    }
}
