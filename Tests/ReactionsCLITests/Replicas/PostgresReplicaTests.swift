import Foundation
import Synchronization
import Testing
import ReactionsCore
import TestSupport

/// Issue 13: the binary on a PostgreSQL state, and several `serve` replicas sharing it.
/// Skipped (loudly) where PostgreSQL is not installed; CI requires it.
@Suite struct PostgresReplicaTests {
    static let password = "s3cret-do-not-print"

    /// A fresh database, named with a password (the test server trusts local connections,
    /// so it is never checked, only carried: it must never be printed).
    func database() throws -> String? {
        guard PostgresServer.enabled else { return nil }
        return try PostgresServer.server().database().replacingOccurrences(of: "://reactions@", with: "://reactions:\(Self.password)@")
    }

    static func config(_ receiver: String, services: [String] = ["shopping-cart"]) -> String {
        let declared = services.map { name in
            name == "shopping-cart" ? #"{"name": "shopping-cart", "aliases": ["shopping_cart"]}"# : #"{"name": "\#(name)"}"#
        }
        return #""services": [\#(declared.joined(separator: ", "))], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}], "#
            + ##""reactions": [{"name": "mark", "when": {"events": ["deploy.succeeded"]}, "then": {"http": {"method": "POST", "url": "\##(receiver)/mark"}}}]"##
    }

    func json(_ cli: CLI, _ arguments: [String]) throws -> JSON {
        let result = try cli.run(arguments + ["--state", cli.state, "--format", "json"])
        #expect(result.code == 0, "\(arguments): \(result)")
        return try JSONParser.value(result.stdout)
    }

    func served(_ server: ServeProcess) async throws -> Int? {
        let metrics = try await server.request("GET", "/metrics").body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("reactions_revision ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") }
    }

    @Test func everyCommandWorksOnADatabaseAndNeverPrintsItsPassword() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        guard let database = try database() else { return }
        let cli = try CLI(state: database)
        try cli.writeConfig(Self.config(receiver.url))
        var outputs: [String] = []
        let applied = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        #expect(applied.code == 0, "\(applied)")
        outputs.append(applied.stdout + applied.stderr)
        let server = try ServeProcess(cli, arguments: [])
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        #expect(try await server.request("POST", path, body: deployBody(dedup: "a")).status == 202)
        #expect(try await server.request("POST", path, body: deployBody(service: "mystery", dedup: "b")).status == 202)
        _ = try await receiver.wait(for: 1)
        let deploys = try json(cli, ["deploys"]).arrayValue ?? []
        #expect(deploys.compactMap { $0["dedup_id"]?.stringValue } == ["b", "a"])
        #expect(try await eventually { (try json(cli, ["deliveries"]).arrayValue ?? []).first?["status"] == .string("delivered") })
        let eventID = try #require(deploys.last?["event_id"]?.stringValue)
        for arguments in [["deploys"], ["deliveries"], ["explain", eventID], ["suggestions"], ["state", "history"], ["endpoints"],
                          ["state", "prune", "--older-than", "1d", "--dry-run"], ["plan", "--config", cli.config]] {
            let result = try cli.run(arguments + ["--state", cli.state])
            #expect(result.code == 0, "\(arguments): \(result)")
            outputs.append(result.stdout + result.stderr)
        }
        #expect(outputs[2].contains("mark"), "explain names the reaction the event fired")
        #expect(outputs.last?.contains("No changes") == true, "\(outputs.last ?? "")")
        // A clean exit: libpq's connections are closed before the process ends.
        #expect(server.stop() == 0, "\(server.log.suffix(5))")
        outputs += server.log
        let printed = outputs.joined(separator: "\n")
        #expect(!printed.contains(Self.password), "the password was printed")
        #expect(server.log.contains { $0.contains(#""msg":"listening""#) && $0.contains("postgresql://reactions:***@127.0.0.1") }, "\(server.log)")
        // File-only commands say what to use instead.
        let backup = try cli.run(["state", "backup", cli.directory.appendingPathComponent("b.db").path, "--state", cli.state])
        #expect(backup.code == 1 && backup.stderr.contains("back a database server up with its own tools") && !backup.stderr.contains(Self.password))
    }

    /// A database that cannot be reached is not an empty state: commands say why they
    /// cannot open it (and never print its password).
    @Test func anUnreachableDatabaseIsReportedAsSuch() throws {
        let cli = try CLI(state: "postgresql://reactions:\(Self.password)@127.0.0.1:1/nowhere?connect_timeout=2")
        for arguments in [["deploys"], ["plan", "--config", cli.config]] {
            try cli.writeConfig(#""services": [{"name": "a"}]"#)
            let result = try cli.run(arguments + ["--state", cli.state])
            #expect(result.code == 1 && result.stderr.contains("cannot open the state at postgresql://reactions:***@127.0.0.1:1/nowhere"),
                    "\(arguments): \(result)")
            #expect(!result.stderr.contains("there is no state") && !(result.stdout + result.stderr).contains(Self.password))
        }
    }

    /// Two replicas behind a load balancer: deploys alternate and race, duplicates of one
    /// dedup id reach both, and each event is delivered once whichever replica dispatches.
    @Test func twoReplicasRecordOnceNumberOnceAndDeliverOnce() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        guard let database = try database() else { return }
        let cli = try CLI(state: database)
        try cli.writeConfig(Self.config(receiver.url))
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        let replicas = [try ServeProcess(cli, arguments: []), try ServeProcess(cli, arguments: [])]
        defer { for r in replicas { _ = r.stop() } }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        // 40 distinct deploys, alternating, 8 at a time; and every one sent to both replicas at once.
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            var accepted = 0
            for i in 0..<40 {
                for replica in replicas {
                    group.addTask { try await replica.request("POST", path, body: deployBody(dedup: "d\(i)")).status == 202 ? 1 : 0 }
                }
                if i % 4 == 3 { while let one = try await group.next() { accepted += one } }
            }
            return accepted
        }
        #expect(accepted == 80, "every copy is acknowledged (the second as a duplicate)")
        let deploys = try json(cli, ["deploys", "--limit", "100"]).arrayValue ?? []
        #expect(deploys.count == 40, "one deploy per dedup id")
        let numbers = deploys.compactMap { $0["deploy_number"]?.stringValue }
        #expect(Set(numbers) == Set((1...40).map(String.init)), "\(numbers.sorted())")
        // One delivery per event, attempted once, whichever replica took it.
        let requests = try await receiver.wait(for: 40)
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests.count == 40, "\(requests.count) requests for 40 events")
        #expect(Set(receiver.requests.compactMap { $0.headers["webhook-id"] }).count == 40)
        #expect(try await eventually { (try json(cli, ["deliveries", "--status", "delivered", "--limit", "100"]).arrayValue ?? []).count == 40 })
        let dispatched = replicas.map { $0.log.filter { $0.contains(#""msg":"delivered""#) }.count }
        #expect(dispatched.reduce(0, +) == 40, "\(dispatched)")
    }

    /// An apply is served by every replica within a second, and a stale apply loses.
    @Test func anApplyIsServedByEveryReplicaWithinASecond() async throws {
        guard let database = try database() else { return }
        let cli = try CLI(state: database)
        try cli.writeConfig(Self.config("http://127.0.0.1:1"))
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        let replicas = [try ServeProcess(cli, arguments: []), try ServeProcess(cli, arguments: [])]
        defer { for r in replicas { _ = r.stop() } }
        for replica in replicas { #expect(try await served(replica) == 1) }
        try cli.writeConfig(Self.config("http://127.0.0.1:1", services: ["shopping-cart", "search"]))
        let plan = cli.directory.appendingPathComponent("plan.json").path
        #expect(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--out", plan, "--detailed-exitcode"]).code == 2)
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        // Both watched at once from the moment apply returns.
        async let first = eventually(seconds: 1) { try await served(replicas[0]) == 2 }
        async let second = eventually(seconds: 1) { try await served(replicas[1]) == 2 }
        let both = (try await first, try await second)
        #expect(both == (true, true), "not served by both within a second")
        // The saved plan was made against revision 1: applying it now is refused.
        let stale = try cli.run(["apply", plan, "--state", cli.state])
        #expect(stale.code == 1 && stale.stderr.contains("stale"), "\(stale)")
    }

    /// Replicas started at once with the same --config: one applies it, the others find it
    /// applied, and all of them serve.
    @Test func replicasStartedTogetherWithOneConfigApplyItOnce() async throws {
        guard let database = try database() else { return }
        let cli = try CLI(state: database)
        try cli.writeConfig(Self.config("http://127.0.0.1:1"))
        let replicas = try await withThrowingTaskGroup(of: ServeProcess.self) { group in
            for _ in 0..<3 { group.addTask { try ServeProcess(cli, arguments: ["--config", cli.config]) } }
            var all: [ServeProcess] = []
            for try await replica in group { all.append(replica) }
            return all
        }
        defer { for r in replicas { _ = r.stop() } }
        for replica in replicas { #expect(try await eventually { try await served(replica) == 1 }, "\(replica.log)") }
        #expect((try json(cli, ["state", "history"]).arrayValue ?? []).count == 1)
    }

    /// A script's API token from whichever replica ran it is accepted by every replica (the
    /// load balancer may send the script's call to any of them).
    @Test func aScriptTokenFromOneReplicaIsAcceptedByTheOther() async throws {
        guard let database = try database() else { return }
        let cli = try CLI(state: database)
        let dump = cli.directory.appendingPathComponent("token.txt").path
        try cli.write("config/scripts/token.sh", "#!/bin/sh\nprintf %s \"$REACTIONS_API_TOKEN\" > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n")
        try cli.writeConfig(##"""
            "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
            "endpoints": [{"name": "ci-deploys", "kind": "deploy"}],
            "reactions": [{"name": "token", "when": {"events": ["deploy.succeeded"]},
                           "then": {"script": {"path": "scripts/token.sh", "args": ["\##(dump)"]}}}]
            """##)
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        let replicas = [try ServeProcess(cli, arguments: []), try ServeProcess(cli, arguments: [])]
        defer { for r in replicas { _ = r.stop() } }
        #expect(try await replicas[0].request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        #expect(try await eventually { FileManager.default.fileExists(atPath: dump) })
        let token = try cli.read("token.txt")
        #expect(token.hasPrefix("rxn1."))
        for (i, replica) in replicas.enumerated() {
            let emitted = try await replica.request("POST", "/api/v1/events", body: #"{"type": "custom.checked", "data": {"replica": \#(i)}}"#,
                                                    headers: ["Authorization": "Bearer \(token)"])
            #expect(emitted.status == 202, "replica \(i): \(emitted.status) \(emitted.body)")
        }
    }

    /// kill -9 of one replica while both take deploys: every deploy acknowledged is recorded,
    /// and the other replica keeps serving.
    @Test func aReplicaKilledUnderLoadLosesNothingAcknowledged() async throws {
        guard let database = try database() else { return }
        let cli = try CLI(state: database)
        try cli.writeConfig(Self.config("http://127.0.0.1:1"))
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        let doomed = try ServeProcess(cli, arguments: ["--no-request-log"]), survivor = try ServeProcess(cli, arguments: ["--no-request-log"])
        defer { _ = survivor.stop() }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        let acked = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    for i in 0..<40 {
                        let dedup = "w\(worker)-\(i)"
                        let replica = i % 2 == 0 ? doomed : survivor
                        // A request to the killed replica fails: that is the point.
                        if let response = try? await replica.request("POST", path, body: deployBody(dedup: dedup)), response.status == 202 {
                            mine.append(dedup)
                        }
                    }
                    return mine
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(150))
                _ = doomed.stop(signal: SIGKILL)
                return []
            }
            var all: [String] = []
            for try await some in group { all += some }
            return all
        }
        let stored = Set((try json(cli, ["deploys", "--limit", "1000"]).arrayValue ?? []).compactMap { $0["dedup_id"]?.stringValue })
        #expect(acked.count >= 160, "the survivor acknowledged its half: \(acked.count)")
        #expect(Set(acked).subtracting(stored).isEmpty, "acknowledged but lost: \(Set(acked).subtracting(stored).sorted())")
        #expect(try await survivor.request("POST", path, body: deployBody(dedup: "after")).status == 202)
    }
}
