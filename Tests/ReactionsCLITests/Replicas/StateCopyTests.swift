import Foundation
import Testing
import ReactionsCore
import TestSupport

/// Issue 13: `state copy` moves a whole state from a file to PostgreSQL and back, and
/// what every command reads is the same on each side.
@Suite struct StateCopyTests {
    /// What the reading commands print, as JSON, for one state.
    func views(_ cli: CLI, state: String, event: String) throws -> [String: String] {
        var out: [String: String] = [:]
        // Listings by service read what the store keeps per service (an index in PostgreSQL,
        // lists SQLite links once the copy has inserted its deploys).
        let byService = [["deploys", "--service", "shopping-cart"], ["deploys", "--service", "mystery"],
                         ["deploys", "--service", "shopping_cart", "--environment", "Staging"]]
        for arguments in [["deploys"], ["deliveries"], ["suggestions"], ["state", "history"], ["state", "show"], ["explain", event], ["endpoints"]]
                + byService {
            let result = try cli.run(arguments + ["--state", state, "--format", "json"])
            #expect(result.code == 0, "\(arguments): \(result)")
            out[arguments.joined(separator: " ")] = result.stdout
        }
        return out
    }

    @Test func aStateMovesToPostgreSQLAndBackWithNothingLost() async throws {
        guard PostgresServer.enabled else { return }
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(RetentionCLITests.config(receiver.url))
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        for (i, environment) in ["Production", "Staging", "Production"].enumerated() {
            #expect(try await server.request("POST", path, body: deployBody(dedup: "d\(i)", environment: environment)).status == 202)
        }
        #expect(try await server.request("POST", path, body: deployBody(service: "mystery", dedup: "m")).status == 202)
        #expect(try await server.request("POST", path, body: deployBody(dedup: "d0", status: "failed")).status == 202)
        #expect(try await eventually {
            let statuses = (try JSONParser.value(try cli.run(["deliveries", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? [])
                .compactMap { $0["status"]?.stringValue }
            return statuses.filter { $0 == "delivered" }.count == 3 && statuses.contains("retrying")
        })
        _ = server.stop()
        let deploys = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
        let event = try #require(deploys.last?["event_id"]?.stringValue)
        let original = try views(cli, state: cli.state, event: event)
        #expect((try JSONParser.value(original["deploys --service shopping-cart"] ?? "").arrayValue ?? []).count == 3)

        let database = try PostgresServer.server().database()
        let there = try cli.run(["state", "copy", "--from", cli.state, "--to", database])
        #expect(there.code == 0 && there.stdout.contains("deploys") && there.stdout.contains("4 rows"), "\(there)")
        #expect(try views(cli, state: database, event: event) == original)
        // Into a state that is not empty: refused, and nothing changes.
        let again = try cli.run(["state", "copy", "--from", cli.state, "--to", database])
        #expect(again.code == 1 && again.stderr.contains("already holds a state"), "\(again)")
        #expect(try views(cli, state: database, event: event) == original)

        let back = cli.directory.appendingPathComponent("back.db").path
        #expect(try cli.run(["state", "copy", "--from", database, "--to", back]).code == 0)
        #expect(try views(cli, state: back, event: event) == original)

        // Serving the copy carries on: ids and numbers continue, seen dedup ids stay seen.
        let moved = try CLI(state: database)
        let replica = try ServeProcess(moved, arguments: [])
        defer { _ = replica.stop() }
        #expect(try await replica.request("POST", path, body: deployBody(dedup: "d1", environment: "Staging")).status == 202)
        #expect(try await replica.request("POST", path, body: deployBody(dedup: "next")).status == 202)
        let after = try JSONParser.value(try moved.run(["deploys", "--state", database, "--format", "json"]).stdout).arrayValue ?? []
        #expect(after.count == 5, "d1 again is a duplicate")
        // (An id a duplicate drew is skipped, as a sequence's are: ids grow, never repeat.)
        #expect(after.first?["id"]?.intValue ?? 0 > deploys.first?["id"]?.intValue ?? .max)
        #expect(after.first?["deploy_number"]?.stringValue == "4", "\(after.first ?? .null)")
    }
}
