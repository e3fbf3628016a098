import ReactionsCore

/// `reactions deploys record`: records a deploy through a running serve's admin API, as a
/// reaction's script may (DESIGN §4). The payload is the one CI pipelines already send to
/// `/integrations/deploy/<id>` (seed 001), and it is answered the same way.
enum DeployRecordCommand {
    static let options = [CommandSpec.Option(name: "endpoint", value: "NAME",
                                             help: "record: the deploy endpoint to record under (needed when several are declared)."),
                          CommandSpec.Option(name: "data", value: "JSON", help: "record: the deploy, as OpsLevel's deploy webhook takes it."),
                          CommandSpec.Option(name: "data-file", value: "FILE", help: "record: read the deploy from a file (- for stdin)."),
                          ScriptAPIInput.serverOption, ScriptAPIInput.tokenOption]

    /// Options of the listing were refused by `DeploysCommand` before this runs.
    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        guard let deploy = try ScriptAPIInput.data(args, command: "deploys") else {
            throw CLIError.usage("deploys record needs the deploy: --data JSON or --data-file FILE (- for stdin)", command: "deploys")
        }
        let client = try ScriptAPIInput.client(args, terminal.environment, command: "deploys")
        var path = "/api/v1/deploys"
        if let endpoint = args.value("endpoint") { path += "?endpoint=" + PercentEncoding.encode(endpoint) }
        let response = try client.send("POST", path, body: deploy)
        guard response.status == 202, let result = response.body?["result"]?.stringValue else {
            // The seed's 400 lists every field in error: show them all.
            let details = (response.body?["errors"]?.arrayValue ?? []).compactMap { $0["detail"]?.stringValue }
            throw CLIError(message: "the deploy was not recorded: " + (details.isEmpty ? APIClient.problem(response) : details.joined(separator: "; ")))
        }
        terminal.line(response.body?["message"]?.stringValue.map { "\(result): \($0)" } ?? result)
        return ExitCode.ok
    }
}
