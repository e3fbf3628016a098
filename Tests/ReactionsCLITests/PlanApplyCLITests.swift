import Foundation
import Testing
import ReactionsCore

@Suite struct PlanApplyCLITests {
    func prepared() throws -> CLI {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\necho release\n")
        return cli
    }

    @Test func planIsReadOnlyAndDetailedExitCodeSignalsChanges() throws {
        let cli = try prepared()
        let plan = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--detailed-exitcode"])
        #expect(plan.code == 2, "\(plan)")
        #expect(plan.stdout.contains("+ endpoint \"ci-deploys\""))
        #expect(plan.stdout.contains("(known after apply)"))
        #expect(plan.stdout.contains("Plan: 5 to add, 0 to change, 0 to destroy."))
        #expect(!plan.stdout.contains("\u{1B}["), "piped output must not be coloured")
        #expect(!FileManager.default.fileExists(atPath: cli.state), "plan must not create the state")
        let plain = try cli.run(["plan", "--config", cli.config, "--state", cli.state])
        #expect(plain.code == 0)
    }

    @Test func applyRefusesWithoutATerminalUnlessAutoApproved() throws {
        let cli = try prepared()
        let refused = try cli.run(["apply", "--config", cli.config, "--state", cli.state], stdin: "yes\n")
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("refusing to apply without confirmation"))
        #expect(!FileManager.default.fileExists(atPath: cli.state), "a refused apply must not create the state")

        let applied = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        #expect(applied.code == 0, "\(applied)")
        #expect(applied.stdout.contains("Apply complete! Revision 1"))
        #expect(applied.stdout.contains("5 added, 0 changed, 0 destroyed"))

        let again = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        #expect(again.code == 0)
        #expect(again.stdout.contains("No changes."))
        let history = try cli.run(["state", "history", "--state", cli.state, "--format", "json"])
        #expect(try JSONParser.value(history.stdout).arrayValue?.count == 1, "an unchanged config must not create a revision")
        let detailed = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--detailed-exitcode"])
        #expect(detailed.code == 0)
    }

    @Test(.enabled(if: CLI.hasScript)) func applyAsksForYesOnATerminal() throws {
        let cli = try prepared()
        let declined = try cli.runOnTTY(["apply", "--config", cli.config, "--state", cli.state], stdin: "no\n")
        #expect(declined.code == 1, "\(declined)")
        #expect(declined.stdout.contains("Only 'yes' will be accepted"))
        #expect(declined.stdout.contains("Apply cancelled"))
        let accepted = try cli.runOnTTY(["apply", "--config", cli.config, "--state", cli.state], stdin: "yes\n")
        #expect(accepted.code == 0, "\(accepted)")
        #expect(accepted.stdout.contains("Apply complete!"))
        #expect(accepted.stdout.contains("Revision 1 ("))
    }

    @Test(.enabled(if: CLI.hasScript)) func colourOnATerminalUnlessNoColor() throws {
        let cli = try prepared()
        let coloured = try cli.runOnTTY(["plan", "--config", cli.config, "--state", cli.state])
        #expect(coloured.stdout.contains("\u{1B}[32m+"), "\(coloured)")
        let plain = try cli.runOnTTY(["plan", "--config", cli.config, "--state", cli.state], env: ["NO_COLOR": "1"])
        #expect(!plain.stdout.contains("\u{1B}["))
        #expect(plain.stdout.contains("Plan: 5 to add"))
    }

    @Test func savedPlansApplyExactlyAndStalePlansAreRefused() throws {
        let cli = try prepared()
        let planFile = cli.directory.appendingPathComponent("tfplan.json").path
        #expect(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--out", planFile]).code == 0)
        // Editing the script after planning changes nothing: the plan carries its snapshot.
        try cli.write("config/scripts/release.sh", "#!/bin/sh\necho edited later\n")
        let applied = try cli.run(["apply", planFile, "--state", cli.state])
        #expect(applied.code == 0, "\(applied)")
        let show = try cli.run(["state", "show", "--state", cli.state, "--format", "json"])
        #expect(show.stdout.contains(SHA256.hexDigest("#!/bin/sh\necho release\n")))

        let stalePlan = cli.directory.appendingPathComponent("stale.json").path
        #expect(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--out", stalePlan]).code == 0)
        try cli.writeConfig(sampleConfig.replacingOccurrences(of: "\"aliases\": [\"shopping_cart\"]", with: "\"owner\": \"team-x\""))
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        let stale = try cli.run(["apply", stalePlan, "--state", cli.state])
        #expect(stale.code == 1)
        #expect(stale.stderr.contains("stale"), "\(stale)")
        #expect(try cli.run(["state", "history", "--state", cli.state, "--format", "json"]).stdout.components(separatedBy: "\"number\"").count - 1 == 2)

        let notAPlan = try cli.run(["apply", cli.directory.appendingPathComponent("config/main.json").path, "--state", cli.state])
        #expect(notAPlan.code == 1)
        #expect(notAPlan.stderr.contains("not a reactions plan file"))
    }

    @Test func concurrentAppliesNeverInterleave() async throws {
        let cli = try prepared()
        // Each process plans against whatever it reads, then commits only if the head has not moved.
        let results = try await withThrowingTaskGroup(of: CLI.Result.self) { group in
            for i in 0..<4 {
                let dir = "config\(i)"
                try cli.write("\(dir)/main.json", "{\"version\": 1, \"services\": [{\"name\": \"svc-\(i)\"}]}")
                group.addTask {
                    try cli.run(["apply", "--config", cli.directory.appendingPathComponent(dir).path, "--state", cli.state, "--auto-approve"])
                }
            }
            var all: [CLI.Result] = []
            for try await r in group { all.append(r) }
            return all
        }
        let succeeded = results.filter { $0.code == 0 }
        #expect(!succeeded.isEmpty)
        for failure in results where failure.code != 0 { #expect(failure.stderr.contains("stale"), "\(failure)") }
        let history = try JSONParser.value(try cli.run(["state", "history", "--state", cli.state, "--format", "json"]).stdout)
        let numbers = history.arrayValue?.compactMap { $0["number"]?.intValue } ?? []
        #expect(numbers == Array((1...succeeded.count).reversed()))
    }

    @Test func deployEndpointIDsStayStableAcrossApplies() throws {
        let cli = try prepared()
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        let first = try cli.run(["endpoints", "--state", cli.state, "--format", "json"])
        try cli.writeConfig(sampleConfig.replacingOccurrences(of: "#{deploy.deploy_number}", with: "#{deploy.environment}"))
        let second = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        #expect(second.stdout.contains("0 added, 1 changed, 0 destroyed"), "\(second)")
        let after = try cli.run(["endpoints", "--state", cli.state, "--format", "json", "--base-url", "https://reactions.example.com/"])
        let url = try #require(try JSONParser.value(first.stdout).arrayValue?.first { $0["name"] == .string("ci-deploys") }?["url"]?.stringValue)
        #expect(url.hasPrefix("/integrations/deploy/"))
        #expect(UUIDText.canonical(String(url.dropFirst("/integrations/deploy/".count))) != nil)
        #expect(after.stdout.contains("https://reactions.example.com" + url))
        let text = try cli.run(["endpoints", "--state", cli.state])
        #expect(text.stdout.contains("myget") && text.stdout.contains("/triggers/mygetpackage") && text.stdout.contains("api_key(MYGET_HOOK_KEY)"))
    }

    @Test func scriptEditsShowInThePlanAndRollbackRestoresARevision() throws {
        let cli = try prepared()
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\necho release v2\n")
        let plan = try cli.run(["plan", "--config", cli.config, "--state", cli.state])
        #expect(plan.stdout.contains("~ reaction \"release\""), "\(plan)")
        #expect(plan.stdout.contains("then.script.content_sha256"))
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)

        let rollback = try cli.run(["state", "rollback", "1", "--state", cli.state, "--auto-approve"])
        #expect(rollback.code == 0, "\(rollback)")
        #expect(rollback.stdout.contains("Revision 3"))
        let history = try JSONParser.value(try cli.run(["state", "history", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
        #expect(history.first?["source"] == .string("rollback to 1"))
        #expect(history.first?["hash"] == history.last?["hash"])
        let show = try cli.run(["state", "show", "3", "--state", cli.state, "--format", "json"])
        #expect(show.stdout.contains(SHA256.hexDigest("#!/bin/sh\necho release\n")))
    }

    @Test func jsonPlanIsDocumentedShapeWithSourceLocations() throws {
        let cli = try prepared()
        let out = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "json"])
        let json = try JSONParser.value(out.stdout)
        #expect(json["format_version"] == .string("1.0"))
        #expect(json["base_revision"] == JSON.null)
        #expect(json["summary"]?["add"] == .int(5))
        let changes = try #require(json["changes"]?.arrayValue)
        for change in changes {
            #expect(change["source"]?["file"] == .string("main.json"))
            #expect(change["source"]?["line"]?.intValue ?? 0 > 0)
            #expect(change["source"]?["pointer"]?.stringValue?.hasPrefix("/") == true)
        }
        let warnings = try #require(json["warnings"]?.arrayValue)
        #expect(warnings.contains { $0["message"]?.stringValue?.contains("MONITOR_TOKEN cannot be resolved here") == true })
    }

    @Test func invalidConfigChangesNothing() throws {
        let cli = try prepared()
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        try cli.writeConfig(#""services": [{"name": "Bad Name"}]"#)
        let apply = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        #expect(apply.code == 1)
        #expect(apply.stderr.contains("main.json:3:"))
        #expect(apply.stderr.contains("not a valid service name"))
        let history = try JSONParser.value(try cli.run(["state", "history", "--state", cli.state, "--format", "json"]).stdout)
        #expect(history.arrayValue?.count == 1)
    }
}
