import ReactionsCore

struct EndpointsCommand: Command {
    static let spec = CommandSpec(
        name: "endpoints",
        summary: "List the endpoints the running state serves, with their URLs.",
        usage: ["endpoints [--state FILE] [--base-url URL] [--format text|json]"],
        options: [Paths.stateOption,
                  .init(name: "base-url", value: "URL", help: "Prefix paths with the server's public URL, e.g. https://reactions.example.com."),
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: "Deploy endpoints are POST /integrations/deploy/<id>; point CI pipelines at that URL, as for OpsLevel.")

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let path = try StateInput.existing(args, terminal)
        guard let head = try StateInput.head(try StateInput.openIfPresent(path)) else {
            throw CLIError(message: "nothing is applied in \(Paths.absolute(path)) yet; run `reactions apply` first")
        }
        let (config, _) = head.document.config()
        var base = args.value("base-url") ?? ""
        while base.hasSuffix("/") { base.removeLast() }
        let endpoints = config.endpoints.sorted { $0.name < $1.name }
        func auth(_ e: Endpoint) -> String {
            switch e.auth {
            case nil: return e.kind == .deploy ? "url-id" : "none"
            case .none?: return "none"
            case .apiKey(let ref)?: return "api_key(\(ref.name))"
            case .hmac(let h)?: return "hmac(\(h.preset?.rawValue ?? h.header))"
            }
        }
        if args.value("format") == "json" {
            terminal.write(JSON.array(endpoints.map { e in
                .object(["name": .string(e.name), "kind": .string(e.kind.rawValue), "method": .string("POST"),
                         "url": .string(base + (e.routePath ?? "")), "auth": .string(auth(e))])
            }).prettyText)
            return ExitCode.ok
        }
        let width = (endpoints.map(\.name.count).max() ?? 0) + 2
        for e in endpoints {
            terminal.line(Text.pad(e.name, width)
                + Text.pad(e.kind.rawValue, 9)
                + "POST " + base + (e.routePath ?? "") + terminal.style("  [\(auth(e))]", .dim))
        }
        if endpoints.isEmpty { terminal.line("Revision \(head.info.number) declares no endpoints.") }
        // The bracket says how each endpoint authenticates; the least obvious get a word.
        let kinds = Set(endpoints.map(auth))
        if kinds.contains("url-id") {
            terminal.line(terminal.style("\n[url-id]: the id in the URL is the credential, as with OpsLevel: whoever has the URL can record deploys. "
                + "Keep it in CI secrets; give the endpoint a new \"id\" to revoke it.", .dim))
        }
        if kinds.contains("none") {
            terminal.line(terminal.style("[none]: anyone who can reach the server can call it (declared with \"auth\": \"none\").", .dim))
        }
        return ExitCode.ok
    }
}
