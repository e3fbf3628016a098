import Foundation
import Testing
import ReactionsCore

/// Issue 12, 4: the default state is relative to the current directory. In the wrong
/// directory, reading commands read (or created) an empty state and said "No deploys
/// recorded yet." Now they name the state they read and fail when it does not exist.
@Suite struct StateLocationCLITests {
    static let readers: [[String]] = [
        ["deploys"], ["deliveries"], ["deliveries", "show", "d-1"], ["deliveries", "retry", "d-1"], ["explain", "e-1"],
        ["state", "show"], ["state", "history"], ["endpoints"], ["suggestions"],
    ]

    @Test func readingCommandsFailClearlyWhereThereIsNoStateAndCreateNone() throws {
        let cli = try CLI()
        let here = Paths.absolute(cli.directory.path)
        for command in Self.readers {
            let result = try cli.run(command)
            #expect(result.code == 1, "\(command): \(result)")
            #expect(result.stderr.contains("there is no state at \(here)/.reactions/state.db: the default state is .reactions/state.db in the current directory, so run this where you ran `reactions apply` or `reactions serve`, or pass --state FILE (or set REACTIONS_STATE)"),
                    "\(command): \(result)")
            #expect(result.stdout.isEmpty)
            let named = try cli.run(command + ["--state", "missing.db"])
            #expect(named.code == 1 && named.stderr.contains("there is no state at \(here)/missing.db: check --state"), "\(command): \(named)")
            let fromEnv = try cli.run(command, env: ["REACTIONS_STATE": "env.db"])
            #expect(fromEnv.code == 1 && fromEnv.stderr.contains("there is no state at \(here)/env.db (REACTIONS_STATE)"), "\(command): \(fromEnv)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.directory.path).isEmpty, "reading created nothing")
    }

    @Test func readingCommandsSayWhichStateTheyReadOnStderr() throws {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        let applied = try cli.run(["apply", "--config", "config", "--auto-approve"])
        let state = Paths.absolute(cli.directory.appendingPathComponent(".reactions/state.db").path)
        #expect(applied.stdout.contains("Written to the state file \(state)."), "\(applied)")
        for command in [["deploys"], ["deliveries"], ["state", "history"], ["endpoints"], ["suggestions"], ["deploys", "--format", "json"]] {
            let result = try cli.run(command)
            #expect(result.code == 0, "\(command): \(result)")
            #expect(result.stderr.contains("state: \(state)"), "\(command): \(result)")
            #expect(!result.stdout.contains(state), "stdout is left to the data")
        }
        #expect(try JSONParser.value(try cli.run(["endpoints", "--format", "json"]).stdout).arrayValue?.count == 2)
    }

    @Test func planSaysWhenItPlansAgainstAnEmptyState() throws {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        let plan = try cli.run(["plan", "--config", "config"])
        #expect(plan.code == 0)
        #expect(plan.stderr.contains("note: there is no state at \(Paths.absolute(cli.directory.path))/.reactions/state.db yet: planned against an empty state"), "\(plan)")
    }
}
