import Foundation
import Testing
import ReactionsCore
import ReactionsRuntime

/// Script reactions with their bootstrapped API client: `reactions emit`, `reactions
/// deploys record`, scoped tokens, the chain-depth guard, and the admin API over the outbox.
@Suite struct EmitCLITests {
    static let admin = "admin-token-5f1e9c"

    func events(_ server: ServeProcess, type: String) async throws -> [JSON] {
        let response = try await server.request("GET", "/api/v1/events?type=\(type)&limit=100", headers: ["Authorization": "Bearer \(Self.admin)"])
        return response.json?["events"]?.arrayValue ?? []
    }

    /// Waits for a chain of `type` events to reach the depth limit, checks it goes no further
    /// and that each link is one level deeper, and returns it oldest first.
    func chainStopsAtTheLimit(_ server: ServeProcess, type: String) async throws -> [JSON] {
        let limit = OutboxMatcher.maximumChainDepth
        #expect(try await eventually { try await events(server, type: type).count == limit + 1 })
        try await Task.sleep(for: .milliseconds(500))
        let chain = try await events(server, type: type).reversed().map { $0 }
        #expect(chain.count == limit + 1, "the chain must stop at depth \(limit)")
        #expect(chain.map { $0["chaindepth"]?.intValue ?? -1 } == Array(0...limit))
        for (parent, child) in zip(chain, chain.dropFirst()) { #expect(child["causationid"] == parent["id"]) }
        return chain
    }

    @Test func reactionsThatEmitEachOthersEventsStopAtTheChainDepth() async throws {
        let cli = try CLI()
        try cli.write("config/scripts/ping.sh", "#!/bin/sh\nexec \"$BIN\" emit custom.ping --data \"{\\\"from\\\": \\\"$REACTIONS_EVENT_ID\\\"}\"\n")
        try cli.writeConfig(##"""
            "reactions": [{"name": "ping-again", "when": {"events": ["custom.ping"]},
                           "then": {"script": {"path": "scripts/ping.sh", "env": {"BIN": "\##(CLI.binary.path)"}}}}]
            """##)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["REACTIONS_ADMIN_TOKEN": Self.admin])
        defer { _ = server.stop() }
        let emitted = try cli.run(["emit", "custom.ping", "--server", "http://127.0.0.1:\(server.port)", "--token", Self.admin])
        #expect(emitted.code == 0 && emitted.stdout.contains("custom.ping fired 1 reaction"), "\(emitted)")
        let limit = OutboxMatcher.maximumChainDepth
        let chain = try await chainStopsAtTheLimit(server, type: "custom.ping")
        // Each link carries the event whose script emitted it in its data.
        for (parent, child) in zip(chain, chain.dropFirst()) {
            #expect(child["data"]?["from"] == parent["id"])
            #expect(child["source"] == .string("/reactions/ping-again"))
        }
        #expect(chain.first?["source"] == .string("/api") && chain.first?["causationid"] == nil)
        let deliveries = try JSONParser.value(try cli.run(["deliveries", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
        #expect(deliveries.count == limit, "the event at the last depth fires nothing")
    }

    @Test func reactionsThatRecordDeploysStopAtTheChainDepth() async throws {
        let cli = try CLI()
        // Each deploy's reaction records the next one: the script's own API client, no options.
        try cli.write("config/scripts/redeploy.sh", """
            #!/bin/sh
            printf '{"service": "shopping_cart", "description": "after %s", "deployed_at": "2019-02-01 13:28:33", "deployer": {"name": "bot"}, "dedup_id": "%s"}' \
              "$REACTIONS_EVENT_ID" "$REACTIONS_EVENT_ID" | exec "$BIN" deploys record --data-file -

            """)
        try cli.writeConfig(##"""
            "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
            "endpoints": [{"name": "ci-deploys", "kind": "deploy"}],
            "reactions": [{"name": "redeploy", "when": {"events": ["deploy.succeeded"]},
                           "then": {"script": {"path": "scripts/redeploy.sh", "env": {"BIN": "\##(CLI.binary.path)"}}}}]
            """##)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["REACTIONS_ADMIN_TOKEN": Self.admin])
        defer { _ = server.stop() }
        #expect(try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        let limit = OutboxMatcher.maximumChainDepth
        let chain = try await chainStopsAtTheLimit(server, type: "deploy.succeeded")
        for (parent, child) in zip(chain, chain.dropFirst()) {
            #expect(child["data"]?["description"] == .string("after \(parent["id"]?.stringValue ?? "")"))
            #expect(child["endpoint"] == .string("ci-deploys") && child["service"] == .string("shopping-cart"))
        }
        // Recorded as deploys of the endpoint, numbered like any other.
        let deploys = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json", "--limit", "100"]).stdout).arrayValue ?? []
        #expect(deploys.count == limit + 1)
        #expect(Set(deploys.compactMap { $0["deploy_number"]?.stringValue }) == Set((1...(limit + 1)).map(String.init)))
    }

    @Test func theAdminAPIRecordsADeployUnderTheEndpointItNames() async throws {
        let cli = try CLI()
        try cli.writeConfig(##"""
            "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
            "endpoints": [{"name": "ci-deploys", "kind": "deploy"}, {"name": "cd-deploys", "kind": "deploy", "max_body_bytes": 1024}]
            """##)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["REACTIONS_ADMIN_TOKEN": Self.admin])
        defer { _ = server.stop() }
        let auth = ["Authorization": "Bearer \(Self.admin)"]
        let ambiguous = try await server.request("POST", "/api/v1/deploys", body: deployBody(), headers: auth)
        #expect(ambiguous.status == 400 && ambiguous.body.contains("cd-deploys, ci-deploys"), "\(ambiguous.body)")
        let unknown = try await server.request("POST", "/api/v1/deploys?endpoint=nope", body: deployBody(), headers: auth)
        #expect(unknown.status == 404)
        let ok = try await server.request("POST", "/api/v1/deploys?endpoint=cd-deploys", body: deployBody(dedup: "a1"), headers: auth)
        #expect(ok.status == 202 && ok.body == #"{"result":"ok"}"#, "\(ok.body)")
        let padded = deployBody(dedup: "a2").dropLast() + #","notes":""# + String(repeating: "x", count: 1024) + #""}"#
        let tooLarge = try await server.request("POST", "/api/v1/deploys?endpoint=cd-deploys", body: String(padded), headers: auth)
        #expect(tooLarge.status == 413, "held to the endpoint's max_body_bytes")
        let again = try await server.request("POST", "/api/v1/deploys?endpoint=cd-deploys", body: deployBody(dedup: "a1"), headers: auth)
        #expect(again.body.contains("duplicate_deploy"))
        let invalid = try await server.request("POST", "/api/v1/deploys?endpoint=cd-deploys", body: #"{"service": "x"}"#, headers: auth)
        #expect(invalid.status == 400)
        #expect(invalid.json?["errors"]?.arrayValue?.map { $0["title"]?.stringValue ?? "" } == ["Description Error", "Deployed at Error", "Deployer Error"])
        #expect(try await server.request("POST", "/api/v1/deploys?endpoint=cd-deploys", body: deployBody()).status == 401)
        // The CLI, with an admin token from outside serve.
        let base = ["deploys", "record", "--server", "http://127.0.0.1:\(server.port)", "--token", Self.admin]
        let recorded = try cli.run(base + ["--endpoint", "ci-deploys", "--data", deployBody(service: "billing")])
        #expect(recorded.code == 0 && recorded.stdout.contains("no_service_found: No service found matching alias 'billing'"), "\(recorded)")
        let refused = try cli.run(base + ["--endpoint", "ci-deploys", "--data", #"{"service": "x"}"#])
        #expect(refused.code == 1 && refused.stderr.contains("description") && refused.stderr.contains("deployer"), "\(refused)")
        #expect(try cli.run(base + ["--data", deployBody()]).stderr.contains("?endpoint="))
        let mixed = try cli.run(["deploys", "record", "--service", "x", "--data", "{}"])
        #expect(mixed.code == 1 && mixed.stderr.contains("--service lists deploys"), "\(mixed)")
        let misplaced = try cli.run(["deploys", "--endpoint", "ci-deploys"])
        #expect(misplaced.code == 1 && misplaced.stderr.contains("--endpoint is for `deploys record`"), "\(misplaced)")
        let listed = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
        #expect(listed.map { $0["endpoint"]?.stringValue ?? "" } == ["ci-deploys", "cd-deploys"])
    }

    @Test func aScriptsTokenMayOnlyEmitAndRecordDeploysAndTheAdminTokenNeverReachesIt() async throws {
        let cli = try CLI()
        let dump = cli.directory.appendingPathComponent("script-env.txt").path
        try cli.write("config/scripts/dump.sh", "#!/bin/sh\nenv > \"$1\"\ncat > \"$1.stdin\"\n")
        try cli.writeConfig(##"""
            "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
            "endpoints": [{"name": "ci-deploys", "kind": "deploy"}],
            "reactions": [{"name": "dump", "when": {"events": ["deploy.succeeded"]},
                           "then": {"script": {"path": "scripts/dump.sh", "args": ["\##(dump)"]}}}]
            """##)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["REACTIONS_ADMIN_TOKEN": Self.admin])
        defer { _ = server.stop() }
        #expect(try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        #expect(try await eventually { FileManager.default.fileExists(atPath: dump + ".stdin") && ((try? cli.read("script-env.txt.stdin")) ?? "").hasSuffix("}") })
        let environment = try cli.read("script-env.txt")
        var variables: [String: String] = [:]
        for line in environment.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { variables[String(parts[0])] = String(parts[1]) }
        }
        #expect(variables["REACTIONS_EVENT_TYPE"] == "deploy.succeeded" && variables["REACTIONS_SERVICE"] == "shopping-cart")
        #expect(variables["REACTIONS_API_URL"] == "http://127.0.0.1:\(server.port)")
        #expect(!environment.contains(Self.admin), "the admin token must never reach a script")
        let token = try #require(variables["REACTIONS_API_TOKEN"])
        #expect(token.hasPrefix("rxn1."))
        let stdin = try JSONParser.value(try cli.read("script-env.txt.stdin"))
        #expect(stdin["type"] == .string("deploy.succeeded") && stdin["specversion"] == .string("1.0"))

        // The script's token emits and records deploys (DESIGN §4), and nothing else.
        let auth = ["Authorization": "Bearer \(token)"]
        let ok = try await server.request("POST", "/api/v1/events", body: #"{"type": "custom.released", "data": {"v": 1}}"#, headers: auth)
        #expect(ok.status == 202, "\(ok.body)")
        let recorded = try await server.request("POST", "/api/v1/deploys", body: deployBody(dedup: "from-script", environment: "Staging"), headers: auth)
        #expect(recorded.status == 202 && recorded.body == #"{"result":"ok"}"#, "\(recorded.body)")
        #expect(try await server.request("GET", "/api/v1/deploys", headers: auth).status == 403)
        #expect(try await server.request("GET", "/api/v1/deliveries", headers: auth).status == 403)
        #expect(try await server.request("POST", "/api/v1/revisions", body: "{}", headers: auth).status == 403)
        let tampered = String(token.dropLast(2)) + (token.hasSuffix("AA") ? "BB" : "AA")
        #expect(try await server.request("POST", "/api/v1/events", body: #"{"type": "custom.x"}"#, headers: ["Authorization": "Bearer \(tampered)"]).status == 401)
        let builtIn = try await server.request("POST", "/api/v1/events", body: #"{"type": "deploy.succeeded"}"#, headers: auth)
        #expect(builtIn.status == 400 && builtIn.body.contains("custom."))
        let released = try #require(try await events(server, type: "custom.released").first)
        #expect(released["causationid"] == stdin["id"] && released["chaindepth"] == .int(1) && released["source"] == .string("/reactions/dump"))
        let deployed = try await events(server, type: "deploy.succeeded").first { $0["environment"] == .string("Staging") }
        #expect(deployed?["causationid"] == stdin["id"] && deployed?["chaindepth"] == .int(1))
    }

    @Test func theAdminAPIListsShowsAndRedeliversDeliveries() async throws {
        let down = try Receiver(answers: [503])
        let up = try Receiver()
        defer { down.stop(); up.stop() }
        let cli = try CLI()
        // mark's first attempt fails and its next is an hour away: it sits in `retrying`.
        try cli.writeConfig(##"""
            "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
            "endpoints": [{"name": "ci-deploys", "kind": "deploy"}],
            "reactions": [{"name": "mark", "when": {"events": ["deploy.succeeded"]}, "retry": {"initial_delay": "1h"},
                           "then": {"http": {"method": "POST", "url": "\##(down.url)/m", "body": {"n": "#{deploy.deploy_number}"}}}},
                          {"name": "note", "when": {"events": ["deploy.succeeded"]},
                           "then": {"http": {"method": "POST", "url": "\##(up.url)/n", "body": {"n": "#{deploy.deploy_number}"}}}}]
            """##)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["REACTIONS_ADMIN_TOKEN": Self.admin])
        defer { _ = server.stop() }
        let auth = ["Authorization": "Bearer \(Self.admin)"]
        #expect(try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        func list(_ query: String) async throws -> [JSON] {
            try await server.request("GET", "/api/v1/deliveries\(query)", headers: auth).json?["deliveries"]?.arrayValue ?? []
        }
        #expect(try await eventually {
            let retryingCount = try await list("?status=retrying").count
            let deliveredCount = try await list("?status=delivered").count
            return retryingCount == 1 && deliveredCount == 1
        })
        let retrying = try #require(try await list("?status=retrying").first?["id"]?.stringValue)
        let delivered = try #require(try await list("?reaction=note").first?["id"]?.stringValue)
        let one = try await server.request("GET", "/api/v1/deliveries/\(retrying)", headers: auth)
        #expect(one.status == 200 && one.json?["attempt_log"]?.arrayValue?.first?["http_status"] == .int(503))
        #expect(one.json?["next_attempt_at"]?.stringValue != nil)
        // Retrying, its next attempt an hour away: redelivering runs it now (the receiver
        // still answers 503 to nothing more; its next answer is 200).
        let now = try await server.request("POST", "/api/v1/deliveries/\(retrying)/redeliver", headers: auth)
        #expect(now.status == 202 && now.json?["status"] == .string("pending"), "\(now.body)")
        #expect(try await down.wait(for: 2).count == 2)
        #expect(try await eventually { try await server.request("GET", "/api/v1/deliveries/\(retrying)", headers: auth).json?["status"] == .string("delivered") })
        // A delivered one goes out again at once, with the same webhook-id.
        let again = try await server.request("POST", "/api/v1/deliveries/\(delivered)/redeliver", headers: auth)
        #expect(again.status == 202, "\(again.body)")
        let requests = try await up.wait(for: 2)
        #expect(requests.count == 2 && requests.allSatisfy { $0.headers["webhook-id"] == delivered })
        #expect(try await eventually { try await server.request("GET", "/api/v1/deliveries/\(delivered)", headers: auth).json?["attempts"] == .int(2) })
        #expect(try await server.request("POST", "/api/v1/deliveries/nope/redeliver", headers: auth).status == 404)
        #expect(try await server.request("GET", "/api/v1/deliveries/nope", headers: auth).status == 404)
        #expect(try await server.request("GET", "/api/v1/deliveries?status=lost", headers: auth).status == 400)
        #expect(try await server.request("GET", "/api/v1/deliveries").status == 401)
        let metrics = try await server.request("GET", "/metrics")
        #expect(metrics.body.contains("reactions_delivery_attempts_total{result=\"failed\"} 1"))
        #expect(metrics.body.contains("reactions_delivery_attempts_total{result=\"succeeded\"} 3"))
        #expect(metrics.body.contains("reactions_deliveries{status=\"delivered\"} 2"))
    }
}
