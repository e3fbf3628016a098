import Foundation
import Testing
import ReactionsCore

/// Issue 12, 2 and 3: a saved plan inside the config tree, and a saved plan applied
/// somewhere other than where it was made.
@Suite struct SavedPlanCLITests {
    func prepared() throws -> CLI {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        try cli.write("config/tests/annotate.test.json", #"{"deploy": "# + deployBody() + #", "expect": {"fires": ["annotate"]}}"#)
        return cli
    }

    /// The README's PR snippet runs `plan --config . --out plan.json`; every later command
    /// then failed on `unknown field "format_version" in a config document`.
    @Test func aPlanSavedInsideTheConfigTreeIsPassedOverWithANote() throws {
        let cli = try prepared()
        let config = cli.directory.appendingPathComponent("config")
        let saved = try cli.run(["plan", "--config", ".", "--state", cli.state, "--out", "plan.json"], cwd: config)
        #expect(saved.code == 0, "\(saved)")
        // Also the JSON printed by `plan --format json`, redirected into the tree.
        let printed = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "json"])
        try cli.write("config/nested/printed.json", printed.stdout)

        let note = "note: plan.json is a saved plan, not a config document: it is not loaded"
        let validate = try cli.run(["validate", "--config", cli.config])
        #expect(validate.code == 0, "\(validate)")
        #expect(validate.stderr.contains(note) && validate.stderr.contains("nested/printed.json is a saved plan"), "\(validate)")
        #expect(validate.stdout.contains("in 1 file"))
        let json = try JSONParser.value(try cli.run(["validate", "--config", cli.config, "--format", "json"]).stdout)
        #expect(json["valid"] == .bool(true) && json["notes"]?.arrayValue?.count == 2)
        let test = try cli.run(["test", "--config", cli.config])
        #expect(test.code == 0 && test.stdout.contains("PASS tests/annotate.test.json"), "\(test)")
        let simulate = try cli.run(["simulate", "--config", cli.config, "--deploy", "config/tests/annotate.test.json"])
        #expect(!simulate.stderr.contains("format_version"), "\(simulate)")
        let planText = try cli.read("config/plan.json")
        #expect(try cli.run(["fmt", "--config", cli.config]).code == 0)
        #expect(try cli.read("config/plan.json") == planText, "a saved plan is not ours to format")
        #expect(try cli.run(["fmt", "--check", "--config", cli.config]).code == 0)
        #expect(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--detailed-exitcode"]).code == 2)
        // And the plan still applies.
        let applied = try cli.run(["apply", "plan.json", "--state", cli.state], cwd: config)
        #expect(applied.code == 0 && applied.stdout.contains("Apply complete! Revision 1"), "\(applied)")
    }

    @Test func aSavedPlanAppliesOnlyToTheStateItWasMadeAgainst() throws {
        let cli = try prepared()
        let made = try cli.run(["plan", "--config", cli.config, "--out", "plan.json"])
        let home = Paths.absolute(cli.directory.appendingPathComponent(".reactions/state.db").path)
        #expect(made.stdout.contains("Apply exactly this plan with: reactions apply plan.json --state \(home)"), "\(made)")
        #expect(try JSONParser.value(try cli.read("plan.json"))["state"] == .object(["file": .string(home)]))

        // From another directory the default state is another file: refused, saying where.
        let elsewhere = cli.directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let wrong = try cli.run(["apply", "../plan.json"], cwd: elsewhere)
        #expect(wrong.code == 1, "\(wrong)")
        #expect(wrong.stderr.contains("../plan.json was planned against the state file \(home), not the state file \(Paths.absolute(elsewhere.path))/.reactions/state.db; apply it there with: reactions apply ../plan.json --state \(home)"), "\(wrong)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent(".reactions").path), "nothing was created")
        let other = try cli.run(["apply", "plan.json", "--state", cli.state])
        #expect(other.code == 1 && other.stderr.contains("apply it there with"), "\(other)")

        // Following the hint applies it.
        let right = try cli.run(["apply", "../plan.json", "--state", home], cwd: elsewhere)
        #expect(right.code == 0 && right.stdout.contains("Written to the state file \(home)."), "\(right)")
    }

    /// The hint after `plan --server … --out` left out `--server`; following it applied the
    /// plan to a new local state while the server stayed at revision 0.
    @Test func aPlanMadeAgainstAServerAppliesOnlyThroughThatServer() async throws {
        let cli = try prepared()
        let tokens = ["REACTIONS_PLAN_TOKEN": "plan-tok", "REACTIONS_APPLY_TOKEN": "apply-tok", "REACTIONS_READ_TOKEN": "read-tok"]
        let server = try ServeProcess(cli, arguments: [], env: tokens)
        defer { _ = server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        let made = try cli.run(["plan", "--config", cli.config, "--server", url + "/", "--out", "plan.json"], env: ["REACTIONS_TOKEN": "plan-tok"])
        #expect(made.code == 0, "\(made)")
        #expect(made.stdout.contains("Apply exactly this plan with: reactions apply plan.json --server \(url)"), "\(made)")

        let local = try cli.run(["apply", "plan.json"], env: ["REACTIONS_TOKEN": "apply-tok"])
        #expect(local.code == 1, "\(local)")
        #expect(local.stderr.contains("plan.json was planned against the serve at \(url), not the state file"), "\(local)")
        #expect(local.stderr.contains("apply it there with: reactions apply plan.json --server \(url)"), "\(local)")
        #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent(".reactions").path))

        let remote = try cli.run(["apply", "plan.json", "--server", url], env: ["REACTIONS_TOKEN": "apply-tok"])
        #expect(remote.code == 0 && remote.stdout.contains("Revision 1") && remote.stdout.contains("Written to the serve at \(url)."), "\(remote)")
        let state = try await server.request("GET", "/api/v1/state", headers: ["Authorization": "Bearer read-tok"])
        #expect(state.json?["revision"] == .int(1))
    }
}

/// Paths as the CLI prints them (absolute, standardized).
enum Paths {
    static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}
