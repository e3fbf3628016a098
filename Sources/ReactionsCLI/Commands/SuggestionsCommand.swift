import Foundation
import ReactionsCore
import ReactionsStore

struct SuggestionsCommand: Command {
    static let spec = CommandSpec(
        name: "suggestions",
        summary: "List service names deploys used that no declared service matches.",
        usage: ["suggestions [--state FILE] [--format text|json]",
                "suggestions --patch [--config DIR] [--alias-of SERVICE [--write]] [--state FILE]"],
        options: [Paths.stateOption, Paths.configOption,
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  .init(name: "patch", value: nil, help: "Print the config change that makes these deploys match."),
                  .init(name: "alias-of", value: "SERVICE", help: "With --patch: add the names as aliases of this declared service."),
                  .init(name: "write", value: nil, help: "With --alias-of: rewrite the file that declares the service (canonical format)."),
                  Paths.noColorOption],
        discussion: """
        Declare each as a service, or add it as an alias of an existing one, and its deploys
        match from then on. --patch prints a config document declaring one service per
        suggestion (save it in your config directory); with --alias-of it prints, or with
        --write rewrites, the file that declares SERVICE with the names added as aliases.
        Review the change in a pull request like any other.
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let store = try DeployInput.open(try StateInput.existing(args, terminal))
        let suggestions = try StateInput.call { () throws(StoreError) in try store?.suggestions() ?? [] }
        if args.flag("patch") { return try patch(suggestions.map(\.service), args, terminal) }
        if args.value("alias-of") != nil || args.flag("write") {
            throw CLIError.usage("--alias-of and --write go with --patch", command: "suggestions")
        }
        if args.value("format") == "json" {
            terminal.write(JSON.array(suggestions.map(\.json)).prettyText)
            return ExitCode.ok
        }
        guard !suggestions.isEmpty else {
            terminal.line("No suggestions: every deploy matched a declared service.")
            return ExitCode.ok
        }
        for s in suggestions {
            terminal.line("\(s.service)  \(Text.count(s.deploys, "deploy"))  \(s.environments.joined(separator: ", "))  first \(s.firstSeen)  last \(s.lastSeen)")
        }
        return ExitCode.ok
    }

    static func patch(_ names: [String], _ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let configPath = Paths.config(args, terminal.environment)
        let (config, _) = try ConfigInput.load(configPath, terminal: terminal)
        guard let service = args.value("alias-of") else {
            if args.flag("write") { throw CLIError.usage("--write goes with --alias-of; save the printed document yourself", command: "suggestions") }
            terminal.write(ConfigFormatter.format(JSONNode(json: SuggestionPatch.newServices(names, config: config))))
            return ExitCode.ok
        }
        guard let declared = config.services.first(where: { $0.name == service }) else {
            throw CLIError(message: SuggestionPatch.Failure.unknownService(service).description)
        }
        let root = URL(fileURLWithPath: configPath).standardizedFileURL
        let isDirectory = (try? root.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? true
        let file = isDirectory ? root.appendingPathComponent(declared.location.file) : root
        guard let data = FileManager.default.contents(atPath: file.path), let node = try? JSONParser.parse([UInt8](data)) else {
            throw CLIError(message: SuggestionPatch.Failure.unreadable(declared.location.file).description)
        }
        let text: String
        do { text = try SuggestionPatch.addAliases(names, to: service, document: node) } catch { throw CLIError(message: error.description) }
        if args.flag("write") {
            try Paths.writeAtomically(text, to: file.path)
            terminal.line("added \(Text.count(names.count, "alias", plural: "aliases")) to \(service) in \(declared.location.file); review with `reactions plan`")
        } else {
            terminal.write(text)
        }
        return ExitCode.ok
    }
}
