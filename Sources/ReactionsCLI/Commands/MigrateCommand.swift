import Foundation
import ReactionsCore

struct MigrateCommand: Command {
    static let spec = CommandSpec(
        name: "migrate",
        summary: "Rewrite config files written for an older config version as the current one.",
        usage: ["migrate [--config DIR] [--check]"],
        options: [Paths.configOption,
                  .init(name: "check", value: nil, help: "Change nothing; list files that need migrating and exit 3."),
                  Paths.noColorOption],
        discussion: """
        This reactions reads and writes config version \(ConfigDocument.currentVersion). Files already at that version
        are left alone; a version this release does not know is an error naming the file.

        Exit status: 0 done (or nothing to do), 1 error, 3 --check found files to migrate.
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let (root, files) = try ConfigFiles.list(Paths.config(args, terminal.environment))
        var pending: [String] = []
        var failed = false
        for file in files {
            let relative = ConfigFiles.relative(file, root: root)
            guard let data = FileManager.default.contents(atPath: file.path),
                  let node = try? JSONParser.parse([UInt8](data)) else {
                terminal.error("\(relative): error: not valid JSON; run `reactions validate` for details")
                failed = true
                continue
            }
            switch ConfigMigrations.migrate(node.json) {
            case .current: continue
            case .unsupported(let message):
                terminal.error("\(relative): error: \(message)")
                failed = true
            case .migrated(let json, let from):
                pending.append(relative)
                if args.flag("check") {
                    terminal.line("\(relative): version \(from) → \(ConfigDocument.currentVersion)")
                } else {
                    let text = ConfigFormatter.format(JSONNode(json: json))
                    try Paths.writeAtomically(text, to: file.path)
                    terminal.line("migrated \(relative) from version \(from) to \(ConfigDocument.currentVersion)")
                }
            }
        }
        if failed { return ExitCode.error }
        if pending.isEmpty { terminal.line("\(files.count == 1 ? "The config file is" : "All \(files.count) config files are") at version \(ConfigDocument.currentVersion); nothing to migrate.") }
        return args.flag("check") && !pending.isEmpty ? ExitCode.unformatted : ExitCode.ok
    }
}
