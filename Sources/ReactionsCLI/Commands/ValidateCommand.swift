import ReactionsCore

struct ValidateCommand: Command {
    static let spec = CommandSpec(
        name: "validate",
        summary: "Check config files against every rule, listing all problems.",
        usage: ["validate [--config DIR] [--format text|json]"],
        options: [Paths.configOption,
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: """
        Each problem names the file, line:column, the JSON path and the resource, and says
        what to do. Nothing is contacted and nothing is written.

        Exit status: 0 valid (warnings allowed), 1 invalid.
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let path = Paths.config(args, terminal.environment)
        let result = ConfigLoader().load(path: path)
        if args.value("format") == "json" {
            let json = JSON.object([
                "valid": .bool(!result.hasErrors),
                "diagnostics": DiagnosticsView.json(result.diagnostics),
                "notes": .array(result.notes.map(JSON.string)),
            ])
            terminal.write(json.prettyText)
            return result.hasErrors ? ExitCode.error : ExitCode.ok
        }
        for note in result.notes { terminal.error(terminal.style("note: \(note)", .dim)) }
        let rendered = DiagnosticsView(terminal: terminal).render(result.diagnostics)
        if result.hasErrors {
            terminal.error(rendered, terminatorFree: true)
            terminal.error("\(path): \(DiagnosticsView.counts(result.diagnostics)); the configuration is not valid.")
            return ExitCode.error
        }
        if !rendered.isEmpty { terminal.write(rendered) }
        let c = result.config
        terminal.line(terminal.style("The configuration is valid.", .green, .bold)
            + " " + [Text.count(c.services.count, "service"), Text.count(c.endpoints.count, "endpoint"),
                     Text.count(c.integrations.count, "integration"), Text.count(c.reactions.count, "reaction")].joined(separator: ", ")
            + " in " + Text.count(c.files.count, "file")
            + (result.diagnostics.isEmpty ? "." : "; \(DiagnosticsView.counts(result.diagnostics))."))
        return ExitCode.ok
    }
}
