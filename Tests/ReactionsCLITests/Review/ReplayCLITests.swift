import Foundation
import Testing
import ReactionsCore

/// `plan --replay`: deploys and webhooks sent to a real serve, then a changed config planned
/// against them, locally and through the server.
@Suite struct ReplayCLITests {
    static let env = ["REACTIONS_READ_TOKEN": "read-tok", "REACTIONS_PLAN_TOKEN": "plan-tok", "HOOK_TOKEN": "s3cr3t-value"]

    static func config(changed: Bool) -> String {
        let environments = changed ? #"["Production", "Staging"]"# : #""Production""#
        var reactions = [
            ##"{"name": "prod-deploys", "when": {"events": ["deploy.succeeded"], "filter": {"environment": \##(environments)}}, "then": {"http": {"url": "http://127.0.0.1:9/hook", "headers": {"Authorization": "Bearer #{secret.HOOK_TOKEN}"}, "body": {"text": "#{deploy.service} to #{deploy.environment}"}}}}"##,
        ]
        reactions.append(changed
            ? #"{"name": "staging-watch", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Staging"}}, "then": {"http": {"url": "http://127.0.0.1:9/staging"}}}"#
            : #"{"name": "on-hook", "when": {"endpoint": "open"}, "then": {"script": {"path": "hook.sh"}}}"#)
        return #"""
        "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
        "endpoints": [{"name": "ci-deploys", "kind": "deploy"}, {"name": "open", "kind": "webhook", "path": "/triggers/open", "auth": "none"}],
        "reactions": [\#(reactions.joined(separator: ",\n"))]
        """#
    }

    @Test func aPlanReplaysRecordedEventsLocallyAndOnTheServer() async throws {
        let cli = try CLI()
        try cli.writeConfig(Self.config(changed: false))
        try cli.write("config/hook.sh", "#!/bin/sh\ncat >/dev/null\n")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"], env: Self.env)
        defer { _ = server.stop() }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        for i in 0..<6 {
            let response = try await server.request("POST", path, body: deployBody(dedup: "d\(i)", environment: i % 2 == 0 ? "Production" : "Staging"))
            #expect(response.status == 202, "\(response.body)")
        }
        for i in 0..<2 {
            #expect(try await server.request("POST", "/triggers/open", body: #"{"n": \#(i)}"#).status == 202)
        }
        try cli.writeConfig(Self.config(changed: true))

        let local = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "1d", "--format", "json"])
        #expect(local.code == 0, "\(local)")
        let replay = try #require(try JSONParser.value(local.stdout)["replay"])
        // Six deploys, two webhooks and the config.applied of serve's own apply.
        #expect(replay["window"]?["events"] == .int(9))
        let reactions = try #require(replay["reactions"]?.arrayValue)
        #expect(reactions.compactMap { $0["name"]?.stringValue } == ["on-hook", "prod-deploys", "staging-watch"])
        func outcome(_ name: String) -> JSON? { reactions.first { $0["name"] == .string(name) } }
        #expect(outcome("prod-deploys")?["change"] == .string("changed"))
        #expect([outcome("prod-deploys")?["before"], outcome("prod-deploys")?["after"], outcome("prod-deploys")?["started"],
                 outcome("prod-deploys")?["stopped"]] == [.int(3), .int(6), .int(3), .int(0)])
        #expect(outcome("prod-deploys")?["examples"]?["started"]?.arrayValue?.allSatisfy { $0["environment"] == .string("Staging") } == true)
        #expect(outcome("prod-deploys")?["examples"]?["started"]?.arrayValue?.count == 3)
        #expect(outcome("on-hook")?["change"] == .string("deleted"))
        #expect(outcome("on-hook")?["stopped"] == .int(2))
        #expect(outcome("on-hook")?["examples"]?["stopped"]?.arrayValue?.first?["type"] == .string("webhook.received"))
        #expect(outcome("staging-watch")?["started"] == .int(3))
        // Rendered with the secret as its name: the server's value is never read.
        let rendered = try #require(outcome("prod-deploys")?["rendered"]?["after"])
        #expect(rendered["body"]?["text"] == .string("shopping_cart to Staging"))
        #expect(rendered["headers"]?["Authorization"]?.stringValue?.contains("HOOK_TOKEN") == true)
        // Coverage: config.applied fires nothing either way; Staging deploys nothing before,
        // the webhooks nothing after.
        #expect(replay["unmatched"] == .object(["before": .int(4), "after": .int(3)]))

        // Through the server: the same replay, matched there.
        let remote = try cli.run(["plan", "--config", cli.config, "--server", "http://127.0.0.1:\(server.port)", "--replay", "1d", "--format", "json"],
                                 env: ["REACTIONS_TOKEN": "plan-tok"])
        #expect(remote.code == 0, "\(remote)")
        let remoteReplay = try #require(try JSONParser.value(remote.stdout)["replay"])
        #expect(remoteReplay["reactions"] == replay["reactions"])
        #expect(remoteReplay["unmatched"] == replay["unmatched"])
        #expect(remoteReplay["window"]?["events"] == .int(9))
        for output in [local.stdout, local.stderr, remote.stdout, remote.stderr] { #expect(!output.contains("s3cr3t-value")) }

        // The newest N events only.
        let newest = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay-events", "2", "--format", "json"])
        let newestReplay = try JSONParser.value(newest.stdout)["replay"]
        #expect(newestReplay?["window"]?["events"] == .int(2))
        #expect(newestReplay?["reactions"]?.arrayValue?.first { $0["name"] == .string("on-hook") }?["stopped"] == .int(2), "the webhooks came last")

        // Text and Markdown show it as a section after the changes.
        let text = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "1d"])
        #expect(text.stdout.contains("Replay against the last 24 hours, 9 events: 3 reactions change behaviour"), "\(text.stdout)")
        #expect(text.stdout.contains("«secret HOOK_TOKEN»") || text.stdout.contains("secret HOOK_TOKEN"))
        let changesEnd = try #require(text.stdout.range(of: "reaction.staging-watch will be created"))
        let section = try #require(text.stdout.range(of: "Replay against"))
        #expect(changesEnd.upperBound < section.lowerBound)
        let markdown = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "1d", "--format", "markdown"])
        #expect(markdown.stdout.contains("#### Replay against the last 24 hours, 9 events: 3 reactions change behaviour"))
        #expect(markdown.stdout.contains("| `~` | `prod-deploys` | 3 | 6 | 3 | 0 |"), "\(markdown.stdout)")
        #expect(markdown.stdout.utf8.count < 65_536)

        // A saved plan keeps its replay; apply is unaffected by it.
        let saved = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "1d", "--out", "replayed.plan"])
        #expect(saved.code == 0, "\(saved)")
        let file = try JSONParser.value(try cli.read("replayed.plan"))
        #expect(file["replay"]?["reactions"] == replay["reactions"])
        let applied = try cli.run(["apply", "replayed.plan", "--state", cli.state])
        #expect(applied.code == 0, "\(applied)")

        // The replay route needs the plan scope; bad windows are refused before anything runs.
        let denied = try await server.request("POST", "/api/v1/replay", body: #"{"desired": {"version": 1}}"#, headers: ["Authorization": "Bearer read-tok"])
        #expect(denied.status == 403)
        #expect(try await server.request("GET", "/api/v1/replay/x", headers: ["Authorization": "Bearer read-tok"]).status == 403)
        let badWindow = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "last week"])
        #expect(badWindow.code != 0 && badWindow.stderr.contains("--replay takes a duration"), "\(badWindow)")
        let badCount = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay-events", "0"])
        #expect(badCount.code != 0 && badCount.stderr.contains("--replay-events"), "\(badCount)")
    }

    @Test func withNoStateYetTheReplayIsEmpty() throws {
        let cli = try CLI()
        try cli.writeConfig(Self.config(changed: true))
        let planned = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "7d", "--format", "json"])
        #expect(planned.code == 0, "\(planned)")
        let replay = try JSONParser.value(planned.stdout)["replay"]
        #expect(replay?["window"]?["events"] == .int(0))
        #expect(replay?["reactions"]?.arrayValue?.allSatisfy { $0["before"] == .int(0) && $0["after"] == .int(0) } == true)
    }
}
