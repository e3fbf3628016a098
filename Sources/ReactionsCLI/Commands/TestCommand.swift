import Foundation
import ReactionsCore

struct TestCommand: Command {
    static let spec = CommandSpec(
        name: "test",
        summary: "Run the reaction fixtures (*.test.json) kept with the config, as CI would; or write one from a recorded event.",
        usage: ["test [--config DIR] [--format text|json|junit]",
                "test --from-event EVENT_ID [--config DIR] [--state STATE | --server URL] [--out tests/NAME.test.json]"],
        options: [Paths.configOption, Paths.stateOption,
                  .init(name: "server", value: "URL", help: "With --from-event: read the event from a running serve (token: $REACTIONS_TOKEN, read scope)."),
                  .init(name: "format", value: "FORMAT", help: "text (default), json, or junit (JUnit XML, for CI test reports).",
                        allowed: ["text", "json", "junit"]),
                  .init(name: "from-event", value: "EVENT_ID", help: "Write a fixture from a recorded event: its input, and what fires now."),
                  .init(name: "out", value: "FILE", help: "With --from-event: where to write the fixture (default: print it)."),
                  Paths.noColorOption],
        discussion: """
        Each fixture gives an input ("deploy", "webhook" + "payload" + "query", or "event") and
        what it must produce under "expect": "fires", "does_not_fire", "only", and "actions"
        (a subset of each rendered action, as `simulate --format json` shows it). Nothing is
        sent. Fixtures are `*.test.json` files anywhere in the config directory. The report
        says, per fixture, what fired, and for a failing one why each other reaction did not
        (its first failing filter clause).

        --from-event pins today's behaviour before a change: the recorded event as the
        fixture's input, and as its expectation exactly the reactions the config fires for it
        now, with what each renders (secrets as «secret NAME»). Commit it with the config;
        `reactions test` then fails if a change makes the event do something else.

        Exit status: 0 all passed (or no fixtures), 1 a fixture failed or the config is invalid.
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        if let id = args.value("from-event") { return try fixture(from: id, args, terminal) }
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
        let report = TestReportView(results: results)
        switch args.value("format") {
        case "json": terminal.write(report.json.prettyText)
        case "junit": terminal.write(report.junit)
        default:
            if results.isEmpty {
                terminal.line("No fixtures (*.test.json) in \(path).")
                return ExitCode.ok
            }
            terminal.write(report.text(terminal))
        }
        return report.failed == 0 ? ExitCode.ok : ExitCode.error
    }

    static func fixture(from id: String, _ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let (config, _) = try ConfigInput.load(Paths.config(args, terminal.environment), terminal: terminal)
        let event = try RecordedEventInput.envelope(id, args, terminal, command: "test")
        let fixture = ReactionTest.fixture(from: event, config: config, name: RecordedEventInput.describe(event))
        let text = fixture.prettyText
        guard let out = args.value("out") else {
            terminal.write(text)
            return ExitCode.ok
        }
        // `tests/` need not exist yet: the first fixture from an event creates it.
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw CLIError(message: "cannot create \(directory.path): \(error.localizedDescription)")
        }
        try Paths.writeAtomically(text, to: out, permissions: 0o644)
        let fires = fixture["expect"]?["fires"]?.arrayValue?.compactMap(\.stringValue) ?? []
        terminal.line("Wrote \(out): \(RecordedEventInput.describe(event)); it fires \(fires.isEmpty ? "nothing" : fires.joined(separator: ", ")).")
        return ExitCode.ok
    }
}
