import Foundation
import ReactionsCore
import ReactionsStore

struct DeploysCommand: Command {
    static let spec = CommandSpec(
        name: "deploys",
        summary: "List recorded deploys, the last received first; or record one through a running serve.",
        usage: ["deploys [--state FILE] [--service NAME] [--environment ENV] [--since DURATION|TIME] [--limit N] [--format text|json]",
                "deploys record (--data JSON | --data-file FILE) [--endpoint NAME] [--server URL] [--token TOKEN]"],
        options: listingOptions + [Paths.noColorOption] + DeployRecordCommand.options,
        discussion: """
        `deploys record` sends a deploy, as OpsLevel's deploy webhook takes it, to a running
        serve's admin API (POST /api/v1/deploys), which records and answers it as the deploy
        endpoint would. Inside a reaction's script it needs no --server or --token (serve
        gives the script REACTIONS_API_URL and REACTIONS_API_TOKEN); the deploy's event then
        records the event that ran the script and is one level deeper in the chain, so
        reactions cannot loop through deploys.
        """,
        maxPositionals: 1)

    /// The listing's options; `deploys record` refuses them (and the listing refuses its).
    static let listingOptions: [CommandSpec.Option] = [
        Paths.stateOption,
        .init(name: "service", value: "NAME", help: "Only deploys of this service, by its name or an alias (including deploys sent under an alias before it was declared), or by the name deploys sent for a service not declared."),
        .init(name: "environment", value: "ENV", help: "Only deploys to this environment."),
        .init(name: "since", value: "DURATION|TIME", help: "Only deploys received in the last DURATION (2h, 7d) or since TIME (2019-02-01 13:28:33, UTC unless it says)."),
        .init(name: "limit", value: "N", help: "At most N deploys (default 50)."),
        .init(name: "format", value: "FORMAT", help: "text (default) or json (every payload field plus service, status, received_at, event_id).",
              allowed: ["text", "json"]),
    ]

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        if let action = args.positionals.first {
            guard action == "record" else { throw CLIError.usage("unknown action \(action): the only one is `record`", command: "deploys") }
            if let misplaced = listingOptions.first(where: { args.value($0.name) != nil }) {
                throw CLIError.usage("--\(misplaced.name) lists deploys; `deploys record` takes the deploy as --data or --data-file", command: "deploys")
            }
            return try DeployRecordCommand.run(args, terminal)
        }
        if let misplaced = DeployRecordCommand.options.first(where: { args.value($0.name) != nil }) {
            throw CLIError.usage("--\(misplaced.name) is for `deploys record`", command: "deploys")
        }
        var limit = 50
        if let text = args.value("limit") {
            guard let n = Int(text), n > 0 else { throw CLIError.usage("--limit must be a positive number", command: "deploys") }
            limit = n
        }
        let path = try StateInput.existing(args, terminal)
        let store = try DeployInput.open(path)
        var query = DeployQuery(service: args.value("service"), environment: args.value("environment"),
                                since: try args.value("since").map { text throws(CLIError) in try since(text) }, limit: limit)
        if !query.services.isEmpty, store != nil, let head = try StateInput.head(StateInput.openIfPresent(path)) {
            // Read against the applied revision, as `serve` reads them (see `resolvingServices`).
            query = query.resolvingServices(with: ServiceIndex(head.document.services))
        }
        let deploys = try StateInput.call { () throws(StoreError) in try store?.deploys(query) ?? [] }
        if args.value("format") == "json" {
            terminal.write(JSON.array(deploys.map(\.json)).prettyText)
            return ExitCode.ok
        }
        guard !deploys.isEmpty else {
            let filtered = args.value("service") != nil || args.value("environment") != nil || args.value("since") != nil
            terminal.line(filtered ? "No deploys match --service/--environment/--since." : "No deploys recorded yet.")
            return ExitCode.ok
        }
        // Listed in the order received, which is not the order of `deployed_at` (a pipeline
        // may report a deploy late, or send an old timestamp): both are shown, received first.
        // Columns as wide as their widest value: `deployed_at` is echoed as the pipeline sent
        // it, milliseconds and zone included.
        let received = max(deploys.map(\.receivedAt.count).max() ?? 0, "RECEIVED".count) + 2
        let deployed = max(deploys.map(\.deployedAt.count).max() ?? 0, "DEPLOYED AT".count) + 2
        terminal.line(terminal.style(Text.pad("RECEIVED", received) + Text.pad("DEPLOYED AT", deployed) + "SERVICE #NUMBER  ENVIRONMENT  STATUS  DESCRIPTION", .dim))
        for d in deploys {
            let service = d.serviceName ?? d.service + terminal.style(" (unknown service)", .yellow)
            let status = d.status == "failed" ? terminal.style(d.status, .red) : d.status == "started" ? terminal.style(d.status, .yellow) : terminal.style(d.status, .green)
            terminal.line(Text.pad(d.receivedAt, received) + Text.pad(d.deployedAt, deployed)
                + "\(service) #\(d.deployNumber)  \(d.environment ?? "-")  \(status)  \(d.payload["description"]?.stringValue ?? "")")
        }
        return ExitCode.ok
    }

    /// `--since`: a duration back from now, or a time as deploys give `deployed_at`.
    static func since(_ text: String) throws(CLIError) -> String {
        if let duration = DurationValue(parsing: text) {
            // Longer ago than 1970 is all of them.
            return Timestamp.format(milliseconds: max(0, Timestamp.epochMilliseconds() - duration.milliseconds))
        }
        guard let time = Timestamp.normalize(text) else {
            throw CLIError.usage("--since takes a duration (2h, 7d) or a time (2019-02-01 13:28:33 or RFC 3339), not \"\(text)\"", command: "deploys")
        }
        return time
    }
}
