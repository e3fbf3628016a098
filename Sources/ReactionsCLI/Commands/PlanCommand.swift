import ReactionsCore
import ReactionsStore

struct PlanCommand: Command {
    static let spec = CommandSpec(
        name: "plan",
        summary: "Show what apply would change in the running state.",
        usage: ["plan [--config DIR] [--state FILE | --server URL] [--replay DURATION] [--replay-events N] [--format text|markdown|json]",
                "     [--out PLANFILE] [--detailed-exitcode]"],
        options: [Paths.configOption, Paths.stateOption, StateInput.serverOption, Paths.secretsOption,
                  .init(name: "format", value: "FORMAT", help: "text (default; coloured on a terminal), markdown (a PR comment) or json.",
                        allowed: ["text", "markdown", "json"]),
                  .init(name: "out", value: "PLANFILE", help: "Also save the plan, for `reactions apply PLANFILE`."),
                  .init(name: "detailed-exitcode", value: nil, help: "Exit 2 when the plan has changes."),
                  Paths.noColorOption] + ReplayInput.options,
        discussion: """
        Compares the config with the latest applied revision: + create, ~ update (before → after),
        - destroy, -/+ replace. Secret values are never read; only whether each referenced
        secret can be resolved here is checked (a warning when not). The state is only read.

        With --server, the running state is a serve's, read through its admin API with the
        token in REACTIONS_TOKEN (plan scope), and secrets are checked where that server runs.
        A plan saved with --out then applies with `reactions apply PLANFILE --server URL`.

        --replay matches the events recorded in a window (or --replay-events, the newest N)
        against the running revision and against this plan, and reports for every reaction
        the plan changes (and any other whose firing changes) how many events fire it before
        and after, which start or stop firing it (with examples), and what it would send,
        rendered with secrets as their names. Nothing is sent. With --server the matching runs
        on the server. A saved plan keeps its replay; apply ignores it.

        Exit status: 0 success, 1 error, 2 changes present (with --detailed-exitcode).
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let remote = try StateInput.remote(args, terminal.environment, command: "plan")
        let replayWindow = try ReplayInput.window(args, command: "plan")
        var store: (any StateStore)? = remote
        if remote == nil { store = try StateInput.openIfPresent(Paths.state(args, terminal.environment)) }
        let head = try StateInput.head(store)
        var plan = try PlanBuilder.plan(configPath: Paths.config(args, terminal.environment), state: head, args: args, terminal: terminal,
                                        remote: remote)
        let location = StateInput.location(args, terminal.environment)
        plan.state = location
        if let replayWindow {
            plan.replay = try ReplayInput.run(replayWindow, plan: plan, head: head, statePath: Paths.state(args, terminal.environment), remote: remote)
        }
        if store == nil {
            terminal.error(terminal.style("note: there is no state at \(Paths.absolute(Paths.state(args, terminal.environment))) yet: "
                + "planned against an empty state (`reactions apply` creates it)", .dim))
        }
        switch args.value("format") ?? "text" {
        case "markdown": terminal.write(PlanMarkdownView().render(plan))
        case "json": terminal.write(PlanJSON.encode(plan).prettyText)
        default: terminal.write(PlanTextView(terminal: terminal).render(plan))
        }
        if let out = args.value("out") {
            try Paths.writeAtomically(JSONWriter(style: .compact).string(PlanJSON.encode(plan, asFile: true)) + "\n", to: out, permissions: 0o600)
            if args.value("format") ?? "text" == "text" {
                terminal.line("\nSaved the plan to \(out). Apply exactly this plan with: reactions apply \(StateLocation.shellWord(out)) \(location.options)")
            }
        }
        return args.flag("detailed-exitcode") && plan.hasChanges ? ExitCode.changes : ExitCode.ok
    }
}
