/// What a command accepts: options with values, flags, and positional arguments.
struct CommandSpec: Sendable {
    struct Option: Sendable {
        var name: String
        /// Nil for a flag; otherwise what the value is called in help (`DIR`).
        var value: String?
        var help: String
        var allowed: [String]? = nil
    }

    var name: String
    var summary: String
    var usage: [String]
    var options: [Option]
    var discussion: String = ""
    var maxPositionals = 0

    /// The `--help` text.
    var help: String {
        var out = "\(summary)\n\nUsage:\n" + usage.map { "  reactions \($0)" }.joined(separator: "\n") + "\n"
        let all = options + [Option(name: "help", value: nil, help: "Show this help.")]
        out += "\nOptions:\n"
        let labels = all.map { "--\($0.name)" + ($0.value.map { " \($0)" } ?? "") }
        let width = (labels.map(\.count).max() ?? 0) + 2
        for (label, option) in zip(labels, all) {
            out += "  " + Text.pad(label, width) + option.help + "\n"
        }
        if !discussion.isEmpty { out += "\n" + discussion + "\n" }
        return out
    }
}

/// Parsed command-line arguments.
struct Arguments: Sendable {
    var positionals: [String] = []
    var values: [String: String] = [:]
    /// Every value of options that may be repeated, in order (`--query a=1 --query b=2`).
    var repeated: [String: [String]] = [:]
    var flags: Set<String> = []
    var wantsHelp = false

    func value(_ name: String) -> String? { values[name] }
    func repeatedValues(_ name: String) -> [String] { repeated[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Accepts `--name value`, `--name=value`, flags, `-h`, and `--` before positionals.
    static func parse(_ arguments: [String], spec: CommandSpec) throws(CLIError) -> Arguments {
        var parsed = Arguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            if argument == "-h" || argument == "--help" { parsed.wantsHelp = true; continue }
            guard argument.hasPrefix("--") else {
                throw CLIError.usage("unknown option \(argument)", command: spec.name)
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                let suggestion = Suggest.closest(to: name, among: spec.options.map(\.name)).map { " (did you mean --\($0)?)" } ?? ""
                throw CLIError.usage("unknown option --\(name)\(suggestion)", command: spec.name)
            }
            if option.value == nil {
                guard inlineValue == nil else { throw CLIError.usage("--\(name) takes no value", command: spec.name) }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else {
                    throw CLIError.usage("--\(name) needs a value (\(option.value ?? "VALUE"))", command: spec.name)
                }
                value = arguments[index]
                index += 1
            }
            if let allowed = option.allowed, !allowed.contains(value) {
                throw CLIError.usage("--\(name) must be one of \(allowed.joined(separator: ", ")), not \"\(value)\"", command: spec.name)
            }
            parsed.values[name] = value
            parsed.repeated[name, default: []].append(value)
        }
        if !parsed.wantsHelp && parsed.positionals.count > spec.maxPositionals {
            let extra = parsed.positionals[spec.maxPositionals]
            throw CLIError.usage("unexpected argument \"\(extra)\"", command: spec.name)
        }
        return parsed
    }
}

import ReactionsCore
