import Foundation
import Testing
import ReactionsCore

@Suite(.serialized) struct ServeCLITests {
    func prepared(extraConfig: String = "") throws -> CLI {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig + extraConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        return cli
    }

    @Test func theOpsLevelContractEndToEnd() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"

        let ok = try await server.request("POST", path, body: deployBody(dedup: "d-1"))
        #expect(ok.status == 202)
        #expect(ok.body == #"{"result":"ok"}"#)
        let duplicate = try await server.request("POST", path, body: deployBody(dedup: "d-1"))
        #expect(duplicate.status == 202)
        #expect(duplicate.body == #"{"result":"duplicate_deploy","message":"Deploy not created due to existing deploy with identical dedup_id"}"#)
        let unknown = try await server.request("POST", path, body: deployBody(service: "not_found_alias"))
        #expect(unknown.status == 202)
        #expect(unknown.body == #"{"result":"no_service_found","message":"No service found matching alias 'not_found_alias'. Recording 'not_found_alias' as a suggestion."}"#)

        let missing = try await server.request("POST", path, body: #"{"service": "shopping_cart", "deployer": {}}"#)
        #expect(missing.status == 400)
        #expect(missing.json?["errors"]?.arrayValue?.map { $0["title"]?.stringValue ?? "" } == ["Description Error", "Deployed at Error", "Deployer Error"])
        #expect(missing.json?["errors"]?.arrayValue?.allSatisfy { $0["status"] == .int(400) } == true)
        let notFound = try await server.request("POST", "/integrations/deploy/00000000-0000-4000-8000-000000000000", body: deployBody())
        #expect(notFound.status == 404)
        #expect(notFound.json?["errors"]?.arrayValue?.first?["status"] == .int(404))
        let wrongMethod = try await server.request("GET", path)
        #expect(wrongMethod.status == 405)

        // A new status for a known dedup_id updates the deploy instead of duplicating it.
        _ = try await server.request("POST", path, body: deployBody(dedup: "d-2", status: "started", number: "300"))
        let finished = try await server.request("POST", path, body: deployBody(dedup: "d-2", status: "failed", number: "300"))
        #expect(finished.body == #"{"result":"ok"}"#)

        #expect(server.stop() == 0)
        let deploys = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
        #expect(deploys.count == 3)
        let latest = try #require(deploys.first)
        #expect(latest["status"] == .string("failed") && latest["deploy_number"] == .string("300"))
        let first = try #require(deploys.last)
        #expect(first["service"] == .string("shopping-cart"))
        #expect(first["service_as_sent"] == .string("shopping_cart"))
        #expect(first["deploy_number"] == .string("1"), "generated sequentially when absent")
        #expect(first["commit"]?["sha"] == .string("38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5"))
        #expect(first["received_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(first["deployed_at"] == .string("2019-02-01T13:28:33.000Z"))
        let filtered = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json", "--service", "not_found_alias"]).stdout)
        #expect(filtered.arrayValue?.count == 1)
        // A service is listed by its name or any alias, whatever name each deploy sent.
        for name in ["shopping-cart", "shopping_cart", "Shopping_Cart"] {
            let listed = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json", "--service", name]).stdout)
            #expect(listed.arrayValue?.count == 2, "\(name)")
        }
        #expect(try cli.run(["deploys", "--state", cli.state, "--service", "nothing-like-it"]).stdout.contains("No deploys match"))
        let suggestions = try cli.run(["suggestions", "--state", cli.state])
        #expect(suggestions.stdout.contains("not_found_alias  1 deploy"))
    }

    @Test func aDeployEndpointsBodyLimitHoldsWhateverCaseItsIdIsWrittenIn() async throws {
        let cli = try CLI()
        try cli.writeConfig(#"""
            "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
            "endpoints": [{"name": "ci-deploys", "kind": "deploy", "max_body_bytes": 64}]
            """#)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        let id = try cli.deployEndpointID()
        for written in [id, id.uppercased()] {
            let tooLarge = try await server.request("POST", "/integrations/deploy/\(written)", body: deployBody())
            #expect(tooLarge.status == 413, "\(written): \(tooLarge.status)")
        }
        let small = #"{"service": "shopping_cart"}"#
        #expect(try await server.request("POST", "/integrations/deploy/\(id.uppercased())", body: small).status == 400)
    }

    @Test func healthReadinessMetricsAndAdminAPI() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["REACTIONS_ADMIN_TOKEN": "admin-secret-token"])
        #expect(try await server.request("GET", "/healthz").status == 200)
        let notReady = try await server.request("GET", "/readyz")
        #expect(notReady.status == 503, "MONITOR_TOKEN and MYGET_HOOK_KEY are not set")
        #expect(notReady.json?["reason"]?.stringValue?.contains("MONITOR_TOKEN") == true)
        _ = try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody())
        let metrics = try await server.request("GET", "/metrics")
        #expect(metrics.body.contains(#"reactions_http_requests_total{route="/integrations/deploy/:id",status="202"} 1"#))
        #expect(metrics.body.contains(#"reactions_deploys_recorded_total{result="ok"} 1"#))
        #expect(metrics.body.contains("reactions_http_request_duration_seconds_bucket{le=\"+Inf\"}"))
        #expect(metrics.body.contains("reactions_ready 0"))
        #expect(metrics.body.contains("reactions_http_connections "))
        #expect(metrics.body.contains("reactions_http_requests_in_flight 1"), "the /metrics request itself is in flight")

        #expect(try await server.request("GET", "/api/v1/deploys").status == 401)
        #expect(try await server.request("GET", "/api/v1/deploys", headers: ["Authorization": "Bearer wrong"]).status == 401)
        let deploys = try await server.request("GET", "/api/v1/deploys?limit=10&service=shopping-cart", headers: ["Authorization": "Bearer admin-secret-token"])
        #expect(deploys.status == 200)
        #expect(deploys.json?["deploys"]?.arrayValue?.count == 1)
        let byAlias = try await server.request("GET", "/api/v1/deploys?service=shopping_cart", headers: ["Authorization": "Bearer admin-secret-token"])
        #expect(byAlias.json?["deploys"]?.arrayValue?.count == 1)
        let suggestions = try await server.request("GET", "/api/v1/suggestions", headers: ["Authorization": "Bearer admin-secret-token"])
        #expect(suggestions.json?["suggestions"]?.arrayValue?.isEmpty == true)
        #expect(server.stop() == 0)
        #expect(!server.log.joined().contains("admin-secret-token"))
    }

    @Test func becomesReadyWhenAMissingSecretAppearsInTheSecretsDirectory() async throws {
        let cli = try prepared()
        let secrets = cli.directory.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--secrets-dir", secrets.path], env: ["MONITOR_TOKEN": "x"])
        let before = try await server.request("GET", "/readyz")
        #expect(before.status == 503)
        #expect(before.json?["reason"]?.stringValue == "missing secrets: MYGET_HOOK_KEY")
        try Data("value-from-a-file\n".utf8).write(to: secrets.appendingPathComponent("MYGET_HOOK_KEY"))
        var status = 0
        for _ in 0..<50 where status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            status = try await server.request("GET", "/readyz").status
        }
        #expect(status == 200)
        #expect(server.stop() == 0)
        #expect(!server.log.joined().contains("value-from-a-file"))
    }

    @Test func readyWhenSecretsResolveAndAdminAPIDisabledWithoutToken() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["MONITOR_TOKEN": "x", "MYGET_HOOK_KEY": "y"])
        #expect(try await server.request("GET", "/readyz").status == 200)
        let admin = try await server.request("GET", "/api/v1/deploys", headers: ["Authorization": "Bearer anything"])
        #expect(admin.status == 404)
        #expect(admin.body.contains("REACTIONS_ADMIN_TOKEN"))
        #expect(server.stop() == 0)
    }

    @Test func newRevisionsAreServedWithoutRestart() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        let firstPath = "/integrations/deploy/\(try cli.deployEndpointID())"
        #expect(try await server.request("POST", firstPath, body: deployBody()).status == 202)
        try cli.writeConfig(sampleConfig.replacingOccurrences(of: #"{"name": "ci-deploys", "kind": "deploy"},"#,
                                                              with: #"{"name": "ci-deploys", "kind": "deploy"}, {"name": "jenkins", "kind": "deploy"},"#))
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        let secondPath = "/integrations/deploy/\(try cli.deployEndpointID("jenkins"))"
        var status = 0
        for _ in 0..<60 {
            status = try await server.request("POST", secondPath, body: deployBody(service: "shopping-cart")).status
            #expect(try await server.request("POST", firstPath, body: deployBody()).status == 202, "the old endpoint keeps working")
            if status == 202 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status == 202)
        #expect(server.stop() == 0)
        #expect(server.log.contains { $0.contains("\"msg\":\"serving revision\"") && $0.contains("\"revision\":2") })
    }

    @Test func logsCarryNoDeployIDsQueryStringsOrBodies() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        let id = try cli.deployEndpointID()
        _ = try await server.request("POST", "/integrations/deploy/\(id)?api_key=query-secret-123", body: deployBody(service: "body-secret-service"))
        _ = try await server.request("GET", "/nothing-here?token=query-secret-456")
        #expect(server.stop() == 0)
        let log = server.log.joined(separator: "\n")
        #expect(log.contains("\"route\":\"/integrations/deploy/:id\""))
        for secret in [id, "query-secret-123", "query-secret-456", "body-secret-service"] {
            #expect(!log.contains(secret), "the log leaks \(secret)")
        }
    }

    @Test func concurrentDuplicatesYieldExactlyOneDeploy() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<32 { group.addTask { try await server.request("POST", path, body: deployBody(dedup: "same-deploy")).body } }
            var all: [String] = []
            for try await b in group { all.append(b) }
            return all
        }
        #expect(bodies.filter { $0 == #"{"result":"ok"}"# }.count == 1)
        #expect(bodies.filter { $0.contains("duplicate_deploy") }.count == 31)
        #expect(server.stop() == 0)
        #expect(try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json"]).stdout).arrayValue?.count == 1)
    }

    @Test func everyAcknowledgedDeploySurvivesKill9() async throws {
        let cli = try prepared()
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"])
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        let counter = AcknowledgedCounter()
        // Kill mid-stream from a plain thread (the task pool is busy with requests): once
        // some deploys were answered, or after 5 s on a very slow machine.
        let pid = server.process.processIdentifier
        let killer = Thread {
            let deadline = Date().addingTimeInterval(5)
            while counter.value < 100 && Date() < deadline { usleep(1000) }
            kill(pid, SIGKILL)
        }
        killer.start()
        let acknowledged = await withTaskGroup(of: String?.self) { group in
            for i in 0..<1500 {
                group.addTask {
                    let dedup = "kill9-\(i)"
                    let response = try? await server.request("POST", path, body: deployBody(dedup: dedup))
                    guard response?.status == 202 else { return nil }
                    counter.increment()
                    return dedup
                }
            }
            var out: [String] = []
            for await d in group { if let d { out.append(d) } }
            return out
        }
        server.process.waitUntilExit()
        #expect(acknowledged.count < 1500, "the server was killed while deploys were still arriving")
        #expect(!acknowledged.isEmpty)
        let stored = Set((try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json", "--limit", "100000"]).stdout).arrayValue ?? [])
            .compactMap { $0["dedup_id"]?.stringValue })
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged deploys were lost")
    }
}

import Synchronization

final class AcknowledgedCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
