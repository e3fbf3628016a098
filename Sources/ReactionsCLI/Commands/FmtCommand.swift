import Foundation
import ReactionsCore

struct FmtCommand: Command {
    static let spec = CommandSpec(
        name: "fmt",
        summary: "Rewrite config files in the canonical format.",
        usage: ["fmt [--config DIR] [--check]"],
        options: [Paths.configOption,
                  .init(name: "check", value: nil, help: "Change nothing; list files that are not formatted and exit 3."),
                  Paths.noColorOption],
        discussion: """
        Two-space JSON, structural keys in schema order (name first), your own maps (filter,
        headers, body, settings, env) in the order you wrote them. Values never change, and
        formatting twice changes nothing. A file that is not valid JSON is reported and left alone.

        Exit status: 0 formatted (or already canonical), 1 error, 3 --check found unformatted files.
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let path = Paths.config(args, terminal.environment)
        let (root, files) = try ConfigFiles.list(path)
        var unformatted: [String] = []
        var failed = false
        for file in files {
            let relative = ConfigFiles.relative(file, root: root)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                terminal.error("error: cannot read \(relative)")
                failed = true
                continue
            }
            let original = String(decoding: data, as: UTF8.self)
            let formatted: String
            do {
                formatted = try ConfigFormatter.format(JSONParser.parse([UInt8](data)))
            } catch {
                terminal.error("\(relative):\(error.position): error: invalid JSON: \(error.message) (file left unchanged)")
                failed = true
                continue
            }
            guard formatted != original else { continue }
            unformatted.append(relative)
            if !args.flag("check") { try Paths.writeAtomically(formatted, to: file.path) }
        }
        for file in unformatted { terminal.line(args.flag("check") ? file : "formatted \(file)") }
        if failed { return ExitCode.error }
        return args.flag("check") && !unformatted.isEmpty ? ExitCode.unformatted : ExitCode.ok
    }
}
