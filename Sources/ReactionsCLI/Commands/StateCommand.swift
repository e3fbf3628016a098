import ReactionsCore
import ReactionsStore

struct StateCommand: Command {
    static let spec = CommandSpec(
        name: "state",
        summary: "Inspect revisions of the running state, roll back, prune, back up and verify it.",
        usage: ["state show [REVISION] [--state FILE | --server URL] [--format text|json]",
                "state history [--state FILE | --server URL] [--limit N] [--format text|json]",
                "state rollback REVISION [--state FILE] [--auto-approve]",
                "state prune --older-than DURATION [--deploys] [--dry-run] [--state FILE] [--format text|json]",
                "state backup FILE [--state FILE]",
                "state verify FILE [--format text|json]",
                "state vacuum [--state FILE]",
                "state copy --from STATE --to STATE"],
        options: [Paths.stateOption, StateInput.serverOption,
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  .init(name: "limit", value: "N", help: "history: show at most N revisions."),
                  .init(name: "auto-approve", value: nil, help: "rollback: do not ask."),
                  .init(name: "older-than", value: "DURATION", help: "prune: remove what was received longer ago than this (30d, 12h)."),
                  .init(name: "deploys", value: nil, help: "prune: deploys too (each service and environment keeps its latest)."),
                  .init(name: "dry-run", value: nil, help: "prune: count what would be removed, remove nothing."),
                  .init(name: "from", value: "STATE", help: "copy: the state to copy (a file or a postgresql:// URI)."),
                  .init(name: "to", value: "STATE", help: "copy: where to copy it; must be empty or not exist yet."),
                  Paths.noColorOption],
        discussion: """
        show prints a revision (default: the latest) and its resources; with --format json, the
        normalized document itself. history lists revisions newest first. rollback N writes a
        new revision whose content is revision N's (history is never rewritten), after showing
        the plan and asking, like apply.

        show and history also read a running serve's state with --server URL (token in
        REACTIONS_TOKEN: read scope for history, plan scope for show). rollback needs the
        revision's scripts, which only a local state file holds.

        prune removes events older than --older-than with their deliveries and attempts (and,
        with --deploys, older deploys), in small batches, safe while serve runs; serve does
        the same on its own every 10 minutes (serve --retention). Never removed: a pending or
        retrying delivery, its event and attempts; the latest deploy of each service and
        environment. explain on a pruned event says so.

        backup writes a consistent copy of the state while serve keeps writing (every deploy
        acknowledged before it began is in it); verify checks a copy (integrity, schema, head
        revision) and says what it holds. To restore: stop serve, move the copy into place as
        the state file (removing any -wal and -shm files beside the old one), start serve.

        vacuum rewrites a state file created before retention gave space back, so that it
        does from then on; it holds the write lock while it runs (deploys wait), so run it
        when traffic is low.

        copy moves a whole state (revisions and scripts, deploys and their numbers,
        suggestions, events, deliveries and attempts, seen webhook ids) from a file to a
        PostgreSQL database or back. It reads one consistent snapshot and writes in one
        transaction, into an empty state only: stop serve (or let it run; what arrives after
        the snapshot is not copied), copy, then point every serve at the new state.
        """,
        maxPositionals: 2)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let sub = args.positionals.first else {
            throw CLIError.usage("state needs a subcommand: \(subcommands)", command: "state")
        }
        guard ["show", "history", "rollback", "prune", "backup", "verify", "vacuum", "copy"].contains(sub) else {
            throw CLIError.usage("unknown subcommand \"\(sub)\"; use \(subcommands)", command: "state")
        }
        if sub == "verify" { return try verify(args, terminal) }
        if sub == "copy" { return try copy(args, terminal) }
        if args.value("server") != nil && !["show", "history"].contains(sub) {
            throw CLIError.usage("\(sub) works on a local state file (--state)"
                + (sub == "rollback" ? ": it needs the revision's scripts" : ""), command: "state")
        }
        let remote = try StateInput.remote(args, terminal.environment, command: "state")
        var store: (any StateStore)? = remote
        var path = ""
        if remote == nil {
            path = try StateInput.existing(args, terminal)
            store = try StateInput.open(path)
        }
        let place = remote?.client.baseURL ?? path
        switch sub {
        case "show": return try show(args, store: store, place: place, terminal)
        case "history": return try history(args, store: store, terminal)
        case "rollback": return try rollback(args, path: path, terminal)
        case "prune": return try prune(args, path: path, terminal)
        case "backup": return try backup(args, path: path, terminal)
        case "vacuum": return try vacuum(args, path: path, terminal)
        default:
            throw CLIError.usage("unknown subcommand \"\(sub)\"; use \(subcommands)", command: "state")
        }
    }

    static let subcommands = "show, history, rollback, prune, backup, verify, vacuum or copy"

    static func revisionNumber(_ text: String?) throws(CLIError) -> Int? {
        guard let text else { return nil }
        guard let n = Int(text), n > 0 else { throw CLIError.usage("REVISION must be a positive number, not \"\(text)\"", command: "state") }
        return n
    }

    static func show(_ args: Arguments, store: (any StateStore)?, place: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let store else {
            throw CLIError(message: "there is no state at \(place) yet; run `reactions apply` first")
        }
        let revision: Revision
        if let n = try revisionNumber(args.positionals.dropFirst().first) {
            guard let r = try StateInput.call({ () throws(StoreError) in try store.revision(n) }) else {
                throw CLIError(message: StoreError.notFound(revision: n).description)
            }
            revision = r
        } else {
            guard let r = try StateInput.head(store) else { throw CLIError(message: "the state at \(place) has no revision yet") }
            revision = r
        }
        if args.value("format") == "json" {
            terminal.write(JSON.object([
                "revision": RevisionWire.json(revision.info),
                "document": revision.document.json,
            ]).prettyText)
            return ExitCode.ok
        }
        let i = revision.info
        terminal.line(terminal.style("Revision \(i.number)", .bold) + "  \(i.hash)")
        terminal.line("  applied \(i.createdAt) by \(i.createdBy) (\(i.source))")
        terminal.line("  \(i.summary.add) added, \(i.summary.change) changed, \(i.summary.destroy) destroyed\n")
        for address in revision.document.resources.keys.sorted() {
            guard let value = revision.document.resources[address] else { continue }
            var detail = ""
            if address.kind == .endpoint {
                let (config, _) = StateDocument(resources: [address: value]).config()
                detail = config.endpoints.first?.routePath.map { "  \($0)" } ?? ""
            }
            terminal.line("  \(address)\(terminal.style(detail, .dim))")
        }
        return ExitCode.ok
    }

    static func history(_ args: Arguments, store: (any StateStore)?, _ terminal: Terminal) throws(CLIError) -> Int32 {
        var limit: Int? = nil
        if let text = args.value("limit") {
            guard let n = Int(text), n > 0 else { throw CLIError.usage("--limit must be a positive number", command: "state") }
            limit = n
        }
        let revisions = try store.map { store throws(CLIError) in
            try StateInput.call { () throws(StoreError) in try store.history(limit: limit) }
        } ?? []
        if args.value("format") == "json" {
            terminal.write(JSON.array(revisions.map { RevisionWire.json($0) }).prettyText)
            return ExitCode.ok
        }
        guard !revisions.isEmpty else {
            terminal.line("No revisions yet; run `reactions apply`.")
            return ExitCode.ok
        }
        for r in revisions {
            terminal.line("\(terminal.style(Text.pad(String(r.number), 5), .bold)) \(r.createdAt)  \(r.hash.prefix(12))  "
                + "+\(r.summary.add) ~\(r.summary.change) -\(r.summary.destroy)  \(r.createdBy)  \(r.source)")
        }
        return ExitCode.ok
    }

    static func rollback(_ args: Arguments, path: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let n = try revisionNumber(args.positionals.dropFirst().first) else {
            throw CLIError.usage("rollback needs the REVISION to return to; see `reactions state history`", command: "state")
        }
        guard let store = try StateInput.openIfPresent(path) else { throw CLIError(message: "there is no state at \(path) yet") }
        guard let target = try StateInput.call({ () throws(StoreError) in try store.revision(n) }) else {
            throw CLIError(message: StoreError.notFound(revision: n).description)
        }
        let head = try StateInput.head(store)
        var plan = Plan(base: head?.info.base, changes: [], warnings: [], desired: target.document, scripts: target.scripts)
        plan.changes = Planner().diff(current: head?.document ?? .empty, desired: target.document)
        terminal.write(PlanTextView(terminal: terminal).render(plan))
        guard plan.hasChanges else { return ExitCode.ok }
        guard try terminal.confirm("Roll back to revision \(n)?", refusing: "roll back", hint: "Review the plan above, then pass --auto-approve.",
                                   autoApprove: args.flag("auto-approve")) else {
            terminal.error("Rollback cancelled; nothing was changed.")
            return ExitCode.error
        }
        return try ApplyCommand.commit(plan, store: store, source: "rollback to \(n)", terminal: terminal, at: .file(Paths.absolute(path)))
    }
}
