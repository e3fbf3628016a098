import Foundation
import ReactionsCore
import ReactionsStore

struct DeploysCommand: Command {
    static let spec = CommandSpec(
        name: "deploys",
        summary: "List recorded deploys, newest first.",
        usage: ["deploys [--state FILE] [--service NAME] [--environment ENV] [--limit N] [--format text|json]"],
        options: [Paths.stateOption,
                  .init(name: "service", value: "NAME", help: "Only deploys of this service (declared name, or the name deploys used)."),
                  .init(name: "environment", value: "ENV", help: "Only deploys to this environment."),
                  .init(name: "limit", value: "N", help: "At most N deploys (default 50)."),
                  .init(name: "format", value: "FORMAT", help: "text (default) or json (every payload field plus service, status, received_at).",
                        allowed: ["text", "json"]),
                  Paths.noColorOption])

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        var limit = 50
        if let text = args.value("limit") {
            guard let n = Int(text), n > 0 else { throw CLIError.usage("--limit must be a positive number", command: "deploys") }
            limit = n
        }
        let store = try DeployInput.open(Paths.state(args, terminal.environment))
        let deploys = try StateInput.call { () throws(StoreError) in
            try store?.deploys(DeployQuery(service: args.value("service"), environment: args.value("environment"), limit: limit)) ?? []
        }
        if args.value("format") == "json" {
            terminal.write(JSON.array(deploys.map(\.json)).prettyText)
            return ExitCode.ok
        }
        guard !deploys.isEmpty else {
            terminal.line("No deploys recorded yet.")
            return ExitCode.ok
        }
        for d in deploys {
            let service = d.serviceName ?? d.service + terminal.style(" (unknown service)", .yellow)
            let status = d.status == "failed" ? terminal.style(d.status, .red) : d.status == "started" ? terminal.style(d.status, .yellow) : terminal.style(d.status, .green)
            terminal.line("\(d.deployedAt)  \(service) #\(d.deployNumber)  \(d.environment ?? "-")  \(status)  \(d.payload["description"]?.stringValue ?? "")")
        }
        return ExitCode.ok
    }
}
