import ReactionsCore

struct IntegrationsCommand: Command {
    static let spec = CommandSpec(
        name: "integrations",
        summary: "Document the pre-built integrations: list them, or show one's settings and the request it sends.",
        usage: ["integrations list [--format text|json]", "integrations show NAME [--format text|json]"],
        options: [.init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: """
        Everything shown comes from the catalog the validator and the runtime use: each
        integration's parameters (type, required, secret, default, allowed values) and the
        request it renders for a sample deploy, with secrets as «secret NAME».
        """,
        maxPositionals: 2)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        switch args.positionals.first {
        case "list"?, nil:
            if args.value("format") == "json" {
                terminal.write(JSON.array(IntegrationCatalog.all.map { json($0) }).prettyText)
                return ExitCode.ok
            }
            let width = (IntegrationCatalog.ids.map(\.count).max() ?? 0) + 2
            for template in IntegrationCatalog.all { terminal.line(Text.pad(template.id, width) + template.summary) }
            terminal.line("\nRun `reactions integrations show NAME` for one's settings and the request it sends.")
            return ExitCode.ok
        case "show"?:
            guard let name = args.positionals.dropFirst().first else { throw CLIError.usage("integrations show needs a NAME", command: "integrations") }
            guard let template = IntegrationCatalog.template(named: name) else {
                // `slack` → `slack-message`: ids are vendor-first, so a vendor's name finds its entry.
                let byVendor = IntegrationCatalog.ids.filter { $0.hasPrefix(name.lowercased() + "-") }
                let guess = byVendor.count == 1 ? byVendor.first : Suggest.closest(to: name, among: IntegrationCatalog.ids)
                let hint = guess.map { " (did you mean \($0)?)" } ?? ""
                throw CLIError(message: "there is no integration \(name)\(hint); `reactions integrations list` shows them")
            }
            let example = IntegrationExample(template)
            if args.value("format") == "json" {
                var members = json(template).objectMembers ?? []
                members.append(.init("example", example.config))
                members.append(.init("renders", example.request.json))
                terminal.write(JSON.object(members).prettyText)
                return ExitCode.ok
            }
            show(template, example, terminal)
            return ExitCode.ok
        case let other?:
            throw CLIError.usage("unknown subcommand \"\(other)\"; use list or show", command: "integrations")
        }
    }

    static func json(_ template: any IntegrationTemplate) -> JSON {
        .object([
            .init("name", .string(template.id)), .init("summary", .string(template.summary)),
            .init("documentation", .string(template.documentation)),
            .init("parameters", .array(template.parameters.map { p in
                .object([
                    .init("name", .string(p.name)), .init("type", .string(p.kind.rawValue)), .init("required", .bool(p.required)),
                    .init("secret", .bool(p.secret)), .init("default", p.defaultValue ?? .null),
                    .init("allowed", p.allowed.map { .array($0.map(JSON.string)) } ?? .null), .init("description", .string(p.description)),
                ])
            })),
        ])
    }

    static func show(_ template: any IntegrationTemplate, _ example: IntegrationExample, _ terminal: Terminal) {
        terminal.line(terminal.style(template.id, .bold) + "  " + template.summary)
        terminal.line(terminal.style("API: " + template.documentation, .dim) + "\n")
        terminal.line("Settings:")
        for p in template.parameters {
            var traits = [p.kind.rawValue]
            if p.required { traits.append("required") }
            if p.secret { traits.append("secret: {\"secret\": \"NAME\"}") }
            terminal.line("  " + terminal.style(p.name, .bold) + " (" + traits.joined(separator: ", ") + ")")
            terminal.line("      " + p.description)
            if let value = p.defaultValue { terminal.line("      default: " + value.compactText) }
            if let allowed = p.allowed { terminal.line("      one of: " + allowed.joined(separator: ", ")) }
        }
        terminal.line("\nIn a config:\n")
        for line in example.config.prettyText.split(separator: "\n") { terminal.line("  " + line) }
        terminal.line("\nFor a deploy of shopping-cart #234 to Production it sends:\n")
        for line in DryRunView.request(example.request.json) { terminal.line("  " + line) }
    }
}
