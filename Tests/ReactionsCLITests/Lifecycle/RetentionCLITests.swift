import Foundation
import Testing
import ReactionsCore

/// Issue 16: retention through the binary, while serve runs.
@Suite struct RetentionCLITests {
    /// `mark` is delivered to the receiver; `stuck` (Staging only) goes to a closed port and
    /// retries an hour later, so its delivery and event must outlive any retention.
    static func config(_ url: String) -> String {
        #""services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}], "#
            + #""reactions": ["#
            + ##"{"name": "mark", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Production"}}, "then": {"http": {"method": "POST", "url": "\##(url)/mark"}}},"##
            + ##"{"name": "stuck", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Staging"}}, "retry": {"initial_delay": "1h", "max_delay": "2h"}, "##
            + ##""then": {"http": {"method": "POST", "url": "http://127.0.0.1:1/never"}}}]"##
    }

    func json(_ cli: CLI, _ arguments: [String]) throws -> JSON {
        try JSONParser.value(try cli.run(arguments + ["--state", cli.state, "--format", "json"]).stdout)
    }

    func statuses(_ cli: CLI) throws -> [String] {
        (try json(cli, ["deliveries"]).arrayValue ?? []).compactMap { $0["status"]?.stringValue }.sorted()
    }

    /// Two delivered Production deploys and one Staging deploy whose delivery retries.
    func recorded(_ cli: CLI, _ server: ServeProcess, settle: Bool = true) async throws -> [JSON] {
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        for (i, environment) in ["Production", "Production", "Staging"].enumerated() {
            #expect(try await server.request("POST", path, body: deployBody(dedup: "d\(i)", environment: environment)).status == 202)
        }
        if settle {
            #expect(try await eventually { try statuses(cli) == ["delivered", "delivered", "retrying"] }, "\((try? statuses(cli)) ?? [])")
        }
        return try json(cli, ["deploys"]).arrayValue ?? []
    }

    @Test func statePruneRemovesWhatIsOldWhileServeRunsAndExplainSaysSo() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.config(receiver.url))
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--retention", "forever"], env: ["REACTIONS_READ_TOKEN": "reader"])
        defer { _ = server.stop() }
        // Three events: apply's config.applied and two deploys are delivered or fire nothing;
        // the Staging deploy's event waits with its retrying delivery.
        let deploys = try await recorded(cli, server)
        let production = deploys.filter { $0["environment"] == .string("Production") }.compactMap { $0["event_id"]?.stringValue }
        let staging = try #require(deploys.first { $0["environment"] == .string("Staging") }?["event_id"]?.stringValue)
        let delivered = try #require((try json(cli, ["deliveries"]).arrayValue ?? [])
            .first { $0["status"] == .string("delivered") }?["id"]?.stringValue)
        try await Task.sleep(for: .milliseconds(1_100))

        // A period longer than the time since 1970 keeps everything: it once wrapped the
        // cutoff below zero, and every id sorted below the bound made from it.
        for ages in ["99999999d", "9999999999h"] {
            let long = try json(cli, ["state", "prune", "--older-than", ages])
            #expect(long["events"] == .int(0) && long["deliveries"] == .int(0) && long["deploys"] == .int(0), "\(ages): \(long)")
        }
        #expect(try statuses(cli).count == 3)
        let dry = try cli.run(["state", "prune", "--older-than", "1s", "--dry-run", "--state", cli.state])
        #expect(dry.code == 0)
        #expect(dry.stdout.contains("Would remove") && dry.stdout.contains("3 events, 2 deliveries, 2 attempts"), "\(dry)")
        #expect(dry.stdout.contains("Dry run: nothing was removed."))
        #expect(try statuses(cli).count == 3)

        let pruned = try json(cli, ["state", "prune", "--older-than", "1s"])
        #expect(pruned["events"] == .int(3) && pruned["deliveries"] == .int(2) && pruned["attempts"] == .int(2) && pruned["deploys"] == .int(0),
                "\(pruned)")
        #expect(try statuses(cli) == ["retrying"], "a retrying delivery is kept")
        // Deploys are kept, whole, and the one whose delivery retries keeps its event.
        #expect(try json(cli, ["deploys"]).arrayValue ?? [] == deploys)
        let kept = try cli.run(["explain", staging, "--state", cli.state])
        #expect(kept.code == 0 && kept.stdout.contains("Event \(staging)"), "\(kept)")
        let gone = try cli.run(["explain", production[0], "--state", cli.state])
        #expect(gone.code == 1 && gone.stderr.contains("was removed by retention"), "\(gone)")
        let show = try cli.run(["deliveries", "show", delivered, "--state", cli.state])
        #expect(show.code == 1 && show.stderr.contains("delivery \(delivered)") && show.stderr.contains("was removed by retention"), "\(show)")
        let retry = try cli.run(["deliveries", "retry", delivered, "--state", cli.state])
        #expect(retry.code == 1 && retry.stderr.contains("was removed by retention"), "\(retry)")
        let api = try await server.request("GET", "/api/v1/deliveries/\(delivered)", headers: ["Authorization": "Bearer reader"])
        #expect(api.status == 404 && api.body.contains("was removed by retention"), "\(api.body)")
        let never = try cli.run(["deliveries", "show", EventID.make(), "--state", cli.state])
        #expect(never.code == 1 && !never.stderr.contains("retention"), "\(never)")
        // /metrics counts what retention removed.
        let metrics = try await server.request("GET", "/metrics").body
        #expect(metrics.contains(#"reactions_store_pruned_rows_total{table="events"} 3"#), "\(metrics)")
        #expect(metrics.contains(#"reactions_deliveries{status="delivered"} 0"#) && metrics.contains(#"reactions_deliveries{status="retrying"} 1"#))
        #expect(metrics.contains("reactions_store_file_bytes "))
        // serve still takes deploys.
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        #expect(try await server.request("POST", path, body: deployBody(dedup: "after")).status == 202)
    }

    @Test func serveRemovesWhatIsOlderThanItsRetentionOnItsOwn() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.config(receiver.url))
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--retention", "2s", "--prune-interval", "1s"])
        defer { _ = server.stop() }
        #expect(server.log.contains { $0.contains(#""msg":"listening""#) && $0.contains(#""retention":"2s""#)
            && $0.contains(#""deploy_retention":"forever""#) }, "\(server.log)")
        // Under load the delivered ones may be pruned before anyone sees them delivered.
        let deploys = try await recorded(cli, server, settle: false)
        #expect(try await eventually(seconds: 20) { try statuses(cli) == ["retrying"] }, "\((try? statuses(cli)) ?? [])")
        // The pass logs when it ends, which may be after its deletes are visible.
        #expect(try await eventually(seconds: 10) { server.log.contains { $0.contains(#""msg":"pruned""#) && $0.contains(#""events":"#) } },
                "\(server.log)")
        #expect(try json(cli, ["deploys"]).arrayValue ?? [] == deploys)
    }

    @Test func retentionOptionsAreCheckedUpFront() throws {
        let cli = try CLI()
        let bad = try cli.run(["serve", "--state", cli.state, "--retention", "a month"])
        #expect(bad.code == 1 && bad.stderr.contains("--retention must be a duration such as 30d, 12h or 90m, or forever"), "\(bad)")
        try cli.writeConfig(#""services": [{"name": "a"}]"#)
        _ = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        let missing = try cli.run(["state", "prune", "--state", cli.state])
        #expect(missing.code == 1 && missing.stderr.contains("prune needs --older-than DURATION"), "\(missing)")
        let zero = try cli.run(["state", "prune", "--older-than", "0s", "--state", cli.state])
        #expect(zero.code == 1, "\(zero)")
        let remote = try cli.run(["state", "prune", "--older-than", "1d", "--server", "http://127.0.0.1:1"])
        #expect(remote.code == 1 && remote.stderr.contains("prune works on a local state file"), "\(remote)")
    }
}
