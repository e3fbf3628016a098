import ReactionsCore

struct PlanCommand: Command {
    static let spec = CommandSpec(
        name: "plan",
        summary: "Show what apply would change in the running state.",
        usage: ["plan [--config DIR] [--state FILE] [--format text|markdown|json] [--out PLANFILE] [--detailed-exitcode]"],
        options: [Paths.configOption, Paths.stateOption, Paths.secretsOption,
                  .init(name: "format", value: "FORMAT", help: "text (default; coloured on a terminal), markdown (a PR comment) or json.",
                        allowed: ["text", "markdown", "json"]),
                  .init(name: "out", value: "PLANFILE", help: "Also save the plan, for `reactions apply PLANFILE`."),
                  .init(name: "detailed-exitcode", value: nil, help: "Exit 2 when the plan has changes."),
                  Paths.noColorOption],
        discussion: """
        Compares the config with the latest applied revision: + create, ~ update (before → after),
        - destroy, -/+ replace. Secret values are never read; only whether each referenced
        secret can be resolved here is checked (a warning when not). The state is only read.

        Exit status: 0 success, 1 error, 2 changes present (with --detailed-exitcode).
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let store = try StateInput.openIfPresent(Paths.state(args, terminal.environment))
        let head = try StateInput.head(store)
        let plan = try PlanBuilder.plan(configPath: Paths.config(args, terminal.environment), state: head, args: args, terminal: terminal)
        switch args.value("format") ?? "text" {
        case "markdown": terminal.write(PlanMarkdownView().render(plan))
        case "json": terminal.write(PlanJSON.encode(plan).prettyText)
        default: terminal.write(PlanTextView(terminal: terminal).render(plan))
        }
        if let out = args.value("out") {
            try Paths.writeAtomically(JSONWriter(style: .compact).string(PlanJSON.encode(plan, asFile: true)) + "\n", to: out, permissions: 0o600)
            if args.value("format") ?? "text" == "text" {
                terminal.line("\nSaved the plan to \(out). Apply exactly it with: reactions apply \(out)")
            }
        }
        return args.flag("detailed-exitcode") && plan.hasChanges ? ExitCode.changes : ExitCode.ok
    }
}
