import Foundation
import Testing
import ReactionsCore

/// Issue 12, 6: smaller surprises of a first hour, each through the binary.
@Suite(.serialized) struct SmallSurprisesCLITests {
    func prepared() throws -> CLI {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        return cli
    }

    /// Listed by time received while showing `deployed_at`, the list looked unsorted.
    @Test func deploysShowWhenTheyWereReceivedAndWhenTheyWereDeployed() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        defer { _ = server.stop() }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        // Reported late: the second one received was deployed first. Its timestamp has
        // milliseconds and a zone, wider than the column: it once ran into SERVICE.
        let late = deployBody(dedup: "late").replacingOccurrences(of: "2019-02-01 13:28:33", with: "2019-01-01T09:00:00.123+00:00")
        #expect(try await server.request("POST", path, body: deployBody(dedup: "first")).status == 202)
        #expect(try await server.request("POST", path, body: late).status == 202)
        let listed = try cli.run(["deploys", "--state", cli.state, "--no-color"])
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("RECEIVED") == true && lines.first?.contains("DEPLOYED AT") == true, "\(listed)")
        #expect(lines.count == 3)
        #expect(lines[1].contains("2019-01-01T09:00:00") && lines[2].contains("2019-02-01T13:28:33"), "last received first: \(listed)")
        for row in lines.dropFirst() {
            let columns = row.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns.count > 3 && columns[2].hasPrefix("shopping"), "received, deployed at, then the service: \(row)")
        }
        let json = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
        let received = json.compactMap { $0["received_at"]?.stringValue }
        #expect(received.count == 2 && received[0] >= received[1])
        // Each names its event, which explain takes.
        let eventID = try #require(json.first?["event_id"]?.stringValue)
        let explained = try cli.run(["explain", eventID, "--state", cli.state])
        #expect(explained.code == 0 && explained.stdout.contains("Event \(eventID)"), "\(explained)")
    }

    /// It pointed at /api/v1/events, which is off by default.
    @Test func explainOfAnUnknownIDSaysWhereIDsAre() throws {
        let cli = try prepared()
        _ = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        let unknown = try cli.run(["explain", "nope", "--state", cli.state])
        #expect(unknown.code == 1)
        #expect(unknown.stderr.contains("event ids are in `reactions deploys --format json` and `reactions deliveries --format json` (event_id)"), "\(unknown)")
        #expect(!unknown.stderr.contains("/api/v1/events"))
    }

    @Test func aMisspeltFilterPathGetsADidYouMean() throws {
        let cli = try CLI()
        try cli.writeConfig(#"""
            "services": [{"name": "a"}], "endpoints": [{"name": "d", "kind": "deploy"}],
            "reactions": [{"name": "r", "when": {"events": ["deploy.succeeded"],
              "filter": {"enviroment": "Production", "servcie": "a", "dedupid": "x", "deploy.enviroment": "P"}},
              "then": {"http": {"url": "https://e.com/"}}}]
            """#)
        let result = try cli.run(["validate", "--config", cli.config])
        #expect(result.code == 1)
        for (typo, meant) in [("enviroment", "environment"), ("servcie", "service"), ("dedupid", "deploy.dedup_id")] {
            #expect(result.stderr.contains("filter \"\(typo)\": unknown variable `\(typo)`"), "\(result)")
            #expect(result.stderr.contains("hint: did you mean \"\(meant)\"?"), "\(typo): \(result)")
        }
        #expect(result.stderr.contains("did you mean `deploy.environment`?"), "\(result)")
    }

    @Test func countsAgreeWithTheirNouns() throws {
        let cli = try CLI()
        try cli.writeConfig(#"""
            "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}], "endpoints": [{"name": "d", "kind": "deploy"}],
            "reactions": [{"name": "r", "when": {"events": ["deploy.succeeded"]}, "then": {"http": {"url": "https://e.com/"}}}]
            """#)
        try cli.write("deploy.json", deployBody())
        let one = try cli.run(["simulate", "--config", cli.config, "--deploy", "deploy.json"])
        #expect(one.stdout.contains("1 of 1 reaction fires."), "\(one)")
        try cli.write("config/more.json", #"{"version": 1, "reactions": [{"name": "s", "when": {"events": ["deploy.failed"]}, "then": {"http": {"url": "https://e.com/"}}}]}"#)
        let two = try cli.run(["simulate", "--config", cli.config, "--deploy", "deploy.json"])
        #expect(two.stdout.contains("1 of 2 reactions fires."), "\(two)")
        try cli.write("one-error.json", #"{"version": 1, "servces": []}"#)
        let invalid = try cli.run(["validate", "--config", cli.directory.appendingPathComponent("one-error.json").path])
        #expect(invalid.stderr.contains("1 error, 0 warnings"), "\(invalid)")
    }

    @Test func endpointsExplainHowEachAuthenticates() throws {
        let cli = try prepared()
        _ = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        let listed = try cli.run(["endpoints", "--state", cli.state])
        #expect(listed.stdout.contains("[url-id]") && listed.stdout.contains("[url-id]: the id in the URL is the credential"), "\(listed)")
        #expect(!listed.stdout.contains("[none]:"))
    }

    /// `state history` showed `unknown@vm` where `$USER` was not set.
    @Test func theActorIsGitsEmailOrTheLoginNameUnlessCISetsIt() throws {
        let cli = try prepared()
        try cli.write(".gitconfig", "[user]\n\temail = dev@example.com\n")
        _ = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"], env: ["REACTIONS_ACTOR": ""])
        try cli.write("config/scripts/release.sh", "#!/bin/sh\necho 2\n")
        _ = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"], env: ["REACTIONS_ACTOR": "github:octocat"])
        try FileManager.default.removeItem(at: cli.directory.appendingPathComponent(".gitconfig"))
        try cli.write("config/scripts/release.sh", "#!/bin/sh\necho 3\n")
        _ = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"],
                        env: ["REACTIONS_ACTOR": "", "USER": "", "LOGNAME": "", "GIT_CONFIG_NOSYSTEM": "1"])
        let history = try JSONParser.value(try cli.run(["state", "history", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
        let actors = history.compactMap { $0["created_by"]?.stringValue }
        #expect(actors.count == 3)
        #expect(actors[2] == "dev@example.com" && actors[1] == "github:octocat", "\(actors)")
        #expect(!actors[0].hasPrefix("unknown") && actors[0].contains("@"), "the login name from the password database: \(actors)")
    }
}
