import ReactionsCore
import ReactionsRuntime
import ReactionsStore

struct ApplyCommand: Command {
    static let spec = CommandSpec(
        name: "apply",
        summary: "Make the running state match the config, as one new revision.",
        usage: ["apply [--config DIR] [--state FILE | --server URL] [--auto-approve]", "apply PLANFILE [--state FILE | --server URL]"],
        options: [Paths.configOption, Paths.stateOption, StateInput.serverOption, Paths.secretsOption,
                  .init(name: "auto-approve", value: nil, help: "Apply without asking (for CI, after the plan was reviewed)."),
                  Paths.noColorOption],
        discussion: """
        Without PLANFILE: plans, shows the plan, and asks for "yes" on a terminal. Without a
        terminal it refuses unless --auto-approve is given.

        With PLANFILE (from `reactions plan --out`): applies exactly that plan, without asking,
        and refuses it as stale if the state moved since the plan was made.

        The new revision is written in one transaction; of two concurrent applies one wins and
        the other is refused as stale. An unchanged config creates no revision.

        With --server, the revision is committed by a running serve through its admin API (token
        in REACTIONS_TOKEN, apply scope), with the same stale check and transaction; that serve
        serves the new revision at once.

        Exit status: 0 applied or nothing to do, 1 error (including a stale plan or a refusal).
        """,
        maxPositionals: 1)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let env = terminal.environment
        let remote = try StateInput.remote(args, env, command: "apply")
        // A local state is created only when a revision is committed: an apply that is
        // refused or cancelled leaves no empty state behind to be read as "nothing recorded".
        let store: any StateStore
        if let remote {
            store = remote
        } else if let local = try StateInput.openIfPresent(Paths.state(args, env)) {
            store = local
        } else {
            store = NewStateStore(path: Paths.state(args, env))
        }
        if let planFile = args.positionals.first {
            if args.value("config") != nil {
                throw CLIError.usage("give either a PLANFILE or --config, not both: a saved plan already says what to apply", command: "apply")
            }
            return try applySaved(planFile, store: store, at: StateInput.location(args, env), terminal: terminal)
        }
        let head = try StateInput.head(store)
        let plan = try PlanBuilder.plan(configPath: Paths.config(args, env), state: head, args: args, terminal: terminal, remote: remote)
        terminal.write(PlanTextView(terminal: terminal).render(plan))
        guard plan.hasChanges else { return ExitCode.ok }
        guard try terminal.confirm("Do you want to perform these actions?", refusing: "apply",
                                   hint: "Review the plan, then run again with --auto-approve (as CI does), or apply a saved plan file.",
                                   autoApprove: args.flag("auto-approve")) else {
            terminal.error("Apply cancelled; nothing was changed.")
            return ExitCode.error
        }
        return try commit(plan, store: store, source: "apply", terminal: terminal, at: StateInput.location(args, env))
    }

    static func applySaved(_ path: String, store: any StateStore, at location: StateLocation, terminal: Terminal) throws(CLIError) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError(message: "cannot read the plan file \(path)") }
        var plan: Plan
        do {
            plan = try PlanJSON.decodeFile(JSONParser.value([UInt8](data)))
        } catch let error as PlanJSON.FileError {
            throw CLIError(message: "\(path): \(error.description)")
        } catch {
            throw CLIError(message: "\(path) is not a readable plan file (\(error)); create one with `reactions plan --out FILE`")
        }
        if let made = plan.state, made != location {
            throw CLIError(message: "\(path) was planned against \(made), not \(location); apply it there with: "
                + "reactions apply \(StateLocation.shellWord(path)) \(made.options)")
        }
        let head = try StateInput.head(store)
        if head?.info.base != plan.base {
            throw CLIError(message: StoreError.stale(expected: plan.base?.number, actual: head?.info.number).description)
        }
        plan.changes = Planner().diff(current: head?.document ?? .empty, desired: plan.desired)
        guard plan.hasChanges else {
            terminal.line("No changes. The running state already matches the plan.")
            return ExitCode.ok
        }
        return try commit(plan, store: store, source: "apply \((path as NSString).lastPathComponent)", terminal: terminal, at: location)
    }

    static func commit(_ plan: Plan, store: any StateStore, source: String, terminal: Terminal, quiet: Bool = false,
                       at location: StateLocation? = nil) throws(CLIError) -> Int32 {
        let document = Planner.finalize(plan.desired)
        // Which reactions `config.applied` fires is decided where the revision is stored: a
        // serve behind --server builds its own matcher from the document it receives.
        let matcher = store is RemoteStateStore ? nil : OutboxMatcher.forConfigApplied(document)
        let info = try StateInput.call {
            () throws(StoreError) -> RevisionInfo in
            try store.commit(RevisionCommit(document: document, scripts: plan.scripts, createdBy: Paths.actor(terminal.environment),
                                            source: source, summary: plan.summary, matcher: matcher),
                             expectedBase: plan.base?.number)
        }
        let s = plan.summary
        if quiet { return ExitCode.ok }
        terminal.line("\n" + terminal.style("Apply complete!", .green, .bold)
            + " Revision \(info.number) (\(info.hash.prefix(12))). Resources: \(s.add) added, \(s.change) changed, \(s.destroy) destroyed.")
        if let location { terminal.line(terminal.style("Written to \(location).", .dim)) }
        return ExitCode.ok
    }
}

import Foundation
