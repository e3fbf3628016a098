import ReactionsCore
import ReactionsStore

struct StatsCommand: Command {
    static let spec = CommandSpec(
        name: "stats",
        summary: "DORA metrics of recorded deploys, per service and environment.",
        usage: ["stats [--state STATE] [--since DURATION|TIME] [--service NAME] [--environment ENV] [--format text|json]"],
        options: [Paths.stateOption,
                  .init(name: "since", value: "DURATION|TIME", help: "The window: the last DURATION (default 30d) or since TIME (UTC unless it says)."),
                  .init(name: "service", value: "NAME", help: "Only this service, by its name or an alias."),
                  .init(name: "environment", value: "ENV", help: "Only this environment."),
                  .init(name: "format", value: "FORMAT", help: "text (default) or json (as GET /api/v1/stats answers).", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: """
        After Google's Four Keys, from the deploys received in the window (by deployed_at):
        deploys per day and the frequency band (daily when the median week has deploys on 3
        or more days, weekly when it has any, monthly when the median 30-day month has any,
        else yearly); lead time for changes, deployed_at minus commit.date (else
        commit.authoring_date), median and 90th percentile, of deploys that carry a commit;
        change failure rate, failed over succeeded plus failed; time to restore, from a failed
        deploy to the next succeeded one of the same service and environment, median. Times
        without a zone (2019-02-01 13:28:33) are UTC. A running serve answers the same at
        GET /api/v1/stats (read scope).
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let until = Timestamp.epochMilliseconds()
        let sinceText = args.value("since") ?? "30d"
        guard let since = DeployStats.since(sinceText, now: until) else {
            throw CLIError.usage("--since takes a duration (30d, 12h) or a time (2019-02-01 13:28:33 or RFC 3339), not \"\(sinceText)\"", command: "stats")
        }
        let path = try StateInput.existing(args, terminal)
        var query = DeployQuery(service: args.value("service"), environment: args.value("environment"))
        if !query.services.isEmpty, let head = try StateInput.head(StateInput.openIfPresent(path)) {
            query = query.resolvingServices(with: ServiceIndex(head.document.services))
        }
        let json = try StateInput.call { () throws(StoreError) -> JSON in
            guard let store = try? DeployInput.open(path) else { return DORAMetrics.json([], since: since, until: until) }
            return try DeployStats.json(store, query: query, since: since, until: until)
        }
        if args.value("format") == "json" {
            terminal.write(json.prettyText)
            return ExitCode.ok
        }
        let groups = json["groups"]?.arrayValue ?? []
        terminal.line("Deploys from \(json["since"]?.stringValue ?? "") to \(json["until"]?.stringValue ?? "")"
            + (json["truncated"] == .bool(true) ? " (the newest \(Text.number(DeployStats.limit)) only)" : "") + ":")
        guard !groups.isEmpty else {
            terminal.line("No deploys in this window.")
            return ExitCode.ok
        }
        let header = ["SERVICE", "ENVIRONMENT", "DEPLOYS", "FAILED", "PER DAY", "FREQUENCY", "LEAD TIME (MEDIAN / P90)", "FAILURE RATE", "TIME TO RESTORE"]
        let rows: [[String]] = groups.map { g in
            let lead = g["lead_time_seconds"], restore = g["time_to_restore_seconds"]
            return [g["service"]?.stringValue ?? "", g["environment"]?.stringValue ?? "-", Text.number(g["deploys"]?.intValue ?? 0),
                    Text.number(g["failed"]?.intValue ?? 0), fixed(g["deploys_per_day"]?.doubleValue, digits: 2),
                    g["frequency_band"]?.stringValue ?? "",
                    lead?["median"]?.doubleValue.map { "\(duration($0)) / \(duration(lead?["p90"]?.doubleValue ?? 0))" } ?? "-",
                    g["change_failure_rate"]?.doubleValue.map { fixed($0 * 100, digits: 1) + "%" } ?? "-",
                    restore?["median"]?.doubleValue.map(duration) ?? "-"]
        }
        let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) + 2 }
        terminal.line(terminal.style(zip(header, widths).map { Text.pad($0, $1) }.joined(), .dim))
        for row in rows { terminal.line(zip(row, widths).map { Text.pad($0, $1) }.joined()) }
        return ExitCode.ok
    }

    static func fixed(_ value: Double?, digits: Int) -> String {
        guard let value else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale), fraction = scaled % Int(scale)
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// `45s`, `12m`, `3h 20m`, `2d 4h`: the two largest units.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 > 0 && s < 600 ? " \(s % 60)s" : "") }
        if s < 86_400 { return "\(s / 3600)h" + (s % 3600 / 60 > 0 ? " \(s % 3600 / 60)m" : "") }
        return "\(s / 86_400)d" + (s % 86_400 / 3600 > 0 ? " \(s % 86_400 / 3600)h" : "")
    }
}
