import ReactionsCore
import ReactionsStore

/// `reactions state prune` and `state vacuum`: retention run once, by hand or from cron,
/// safe while `serve` runs (the same batches serve's retention thread uses).
extension StateCommand {
    static func prune(_ args: Arguments, path: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let text = args.value("older-than") else {
            throw CLIError.usage("prune needs --older-than DURATION (such as 30d): what is older than that is removed", command: "state")
        }
        guard let period = try RetentionInput.period(text, option: "--older-than", command: "state") else {
            throw CLIError.usage("--older-than forever would remove nothing; give a duration such as 30d", command: "state")
        }
        let dryRun = args.flag("dry-run")
        let now = Timestamp.epochMilliseconds()
        let cutoff = RetentionPolicy.cutoff(now: now, keeping: period)
        let pruner = try StateInput.call { () throws(StoreError) in try StateInput.backend(path).pruner() }
        let counts = try StateInput.call { () throws(StoreError) in
            try pruner.prune(eventsBefore: cutoff, deploysBefore: args.flag("deploys") ? cutoff : nil, dryRun: dryRun, batchSize: 200,
                             between: { true })
        }
        var freed = 0
        if !dryRun {
            freed = try StateInput.call { () throws(StoreError) -> Int in try pruner.giveSpaceBack(pagesPerStep: 256) }
        }
        let before = Timestamp.format(milliseconds: cutoff)
        if args.value("format") == "json" {
            terminal.write(JSON.object([
                "dry_run": .bool(dryRun), "before": .string(before),
                "events": .int(counts.events), "deliveries": .int(counts.deliveries), "attempts": .int(counts.attempts),
                "deploys": .int(counts.deploys), "freed_bytes": .int(freed),
            ]).prettyText)
            return ExitCode.ok
        }
        let verb = dryRun ? "Would remove" : "Removed"
        terminal.line("\(verb) what was received before \(before) (\(RetentionPolicy.describe(period)) ago):")
        terminal.line("  \(Text.count(counts.events, "event")), \(Text.count(counts.deliveries, "delivery", plural: "deliveries")), "
            + Text.count(counts.attempts, "attempt") + (args.flag("deploys") ? ", \(Text.count(counts.deploys, "deploy"))" : ""))
        terminal.line(terminal.style("Kept whatever their age: pending and retrying deliveries with their events and attempts"
            + (args.flag("deploys") ? ", and the latest deploy of each service and environment." : ", and every deploy (--deploys prunes them too)."), .dim))
        if dryRun {
            terminal.line("Dry run: nothing was removed.")
        } else if freed > 0 {
            terminal.line("The state file gave back \(Text.bytes(freed)).")
        }
        return ExitCode.ok
    }

    static func vacuum(_ args: Arguments, path: String, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let file = StateInput.backend(path) as? SQLiteBackend else {
            throw CLIError(message: "state vacuum rewrites a SQLite state file; a database server reclaims space itself")
        }
        let pruner = try StateInput.call { () throws(StoreError) in try SQLitePruner(path: file.path) }
        let result = try StateInput.call { () throws(StoreError) in try pruner.compact() }
        terminal.line("Compacted the state file: \(Text.bytes(result.before)) → \(Text.bytes(result.after)). "
            + "From now on it gives the space retention frees back as it goes.")
        return ExitCode.ok
    }
}
