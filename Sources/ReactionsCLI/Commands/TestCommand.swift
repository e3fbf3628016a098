import Foundation
import ReactionsCore

struct TestCommand: Command {
    static let spec = CommandSpec(
        name: "test",
        summary: "Run the reaction fixtures (*.test.json) kept with the config, as CI would.",
        usage: ["test [--config DIR] [--format text|json]"],
        options: [Paths.configOption,
                  .init(name: "format", value: "FORMAT", help: "text (default) or json.", allowed: ["text", "json"]),
                  Paths.noColorOption],
        discussion: """
        Each fixture gives an input ("deploy", "webhook" + "payload" + "query", or "event") and
        what it must produce under "expect": "fires", "does_not_fire", "only", and "actions"
        (a subset of each rendered action, as `simulate --format json` shows it). Nothing is
        sent. Fixtures are `*.test.json` files anywhere in the config directory.

        Exit status: 0 all passed (or no fixtures), 1 a fixture failed or the config is invalid.
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let path = Paths.config(args, terminal.environment)
        let (config, _) = try ConfigInput.load(path, terminal: terminal)
        let root = URL(fileURLWithPath: path).standardizedFileURL
        var fixtures: [URL] = []
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]) {
            for case let file as URL in walker where file.lastPathComponent.hasSuffix(".test.json") { fixtures.append(file) }
        }
        fixtures.sort { $0.path < $1.path }
        var results: [ReactionTest] = []
        for fixture in fixtures {
            let relative = ConfigLoader.relativePath(of: fixture, under: root)
            guard let data = FileManager.default.contents(atPath: fixture.path) else {
                results.append(ReactionTest(file: relative, name: relative, failures: ["cannot read the file"]))
                continue
            }
            do {
                results.append(ReactionTest.run(file: relative, json: try JSONParser.value([UInt8](data)), config: config))
            } catch {
                results.append(ReactionTest(file: relative, name: relative, failures: ["invalid JSON at \(error.position): \(error.message)"]))
            }
        }
        let failed = results.filter { !$0.passed }.count
        if args.value("format") == "json" {
            terminal.write(JSON.object([
                "passed": .int(results.count - failed), "failed": .int(failed),
                "tests": .array(results.map { .object(["file": .string($0.file), "name": .string($0.name), "passed": .bool($0.passed),
                                                       "failures": .array($0.failures.map(JSON.string))]) }),
            ]).prettyText)
            return failed == 0 ? ExitCode.ok : ExitCode.error
        }
        if results.isEmpty {
            terminal.line("No fixtures (*.test.json) in \(path).")
            return ExitCode.ok
        }
        for result in results {
            if result.passed {
                terminal.line(terminal.style("PASS", .green, .bold) + " \(result.name)" + terminal.style("  (\(result.file))", .dim))
            } else {
                terminal.line(terminal.style("FAIL", .red, .bold) + " \(result.name)" + terminal.style("  (\(result.file))", .dim))
                for failure in result.failures { terminal.line("     \(failure)") }
            }
        }
        terminal.line("\(results.count - failed) passed, \(failed) failed")
        return failed == 0 ? ExitCode.ok : ExitCode.error
    }
}
