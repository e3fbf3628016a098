import Foundation
import Testing
import ReactionsCore

/// Issue 15: `reactions stats` and `GET /api/v1/stats` on deploys sent to a real serve.
@Suite struct StatsCLITests {
    static let reader = "read-token-0123456789abcdef"

    func body(_ service: String, _ environment: String, _ status: String, deployedAt: Int64, committedAt: Int64?, dedup: String) -> String {
        var members: [String: JSON] = ["service": .string(service), "description": .string("d"), "environment": .string(environment),
                                       "deployed_at": .string(Timestamp.format(milliseconds: deployedAt)), "status": .string(status),
                                       "deployer": .object(["name": .string("M")]), "dedup_id": .string(dedup)]
        if let committedAt {
            // As OpsLevel's docs write times: no zone, read as UTC.
            let text = Timestamp.format(milliseconds: committedAt).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: ".000Z", with: "")
            members["commit"] = .object(["sha": .string("abc"), "date": .string(text)])
        }
        return JSON.sortedObject(members).compactText
    }

    @Test func statsFromTheCLIAndTheAPIAgreeWithTheFiguresByHand() async throws {
        let tracking = try DeployTracking(["--no-request-log"], env: ["REACTIONS_READ_TOKEN": Self.reader])
        let (cli, server, path) = (tracking.cli, tracking.server, tracking.path)
        defer { _ = server.stop() }
        let now = (Timestamp.epochMilliseconds() / 1000) * 1000
        let hour: Int64 = 3_600_000, day = 24 * hour
        for (i, deploy) in [
            body("shopping_cart", "Production", "succeeded", deployedAt: now - 3 * day, committedAt: now - 3 * day - hour, dedup: "a"),
            body("shopping_cart", "Production", "failed", deployedAt: now - 2 * day, committedAt: now - 2 * day - 2 * hour, dedup: "b"),
            body("shopping_cart", "Production", "succeeded", deployedAt: now - 2 * day + hour / 2, committedAt: nil, dedup: "c"),
            body("mystery", "Staging", "failed", deployedAt: now - day, committedAt: nil, dedup: "m"),
            body("shopping_cart", "Production", "succeeded", deployedAt: now - 40 * day, committedAt: nil, dedup: "old"),
        ].enumerated() {
            #expect(try await server.request("POST", path, body: deploy).status == 202, "deploy \(i)")
        }
        let local = try JSONParser.value(try cli.run(["stats", "--state", cli.state, "--format", "json"]).stdout)
        let groups = local["groups"]?.arrayValue ?? []
        #expect(groups.compactMap { $0["service"]?.stringValue } == ["mystery", "shopping-cart"])
        let cart = try #require(groups.last)
        #expect(cart["environment"] == .string("Production") && cart["deploys"] == .int(3) && cart["failed"] == .int(1))
        #expect(cart["deploys_per_day"]?.doubleValue == 0.1 && cart["frequency_band"] == .string("monthly"))
        #expect(cart["lead_time_seconds"] == .object([.init("median", .int(5_400)), .init("p90", .int(7_200)), .init("samples", .int(2))]))
        #expect(cart["change_failure_rate"]?.doubleValue == 1.0 / 3)
        #expect(cart["time_to_restore_seconds"] == .object([.init("median", .int(1_800)), .init("samples", .int(1))]))
        let mystery = try #require(groups.first)
        #expect(mystery["change_failure_rate"] == .int(1) && mystery["time_to_restore_seconds"]?["median"] == .null)

        // The API answers the same figures (its window ends a moment later).
        let auth = ["Authorization": "Bearer \(Self.reader)"]
        let remote = try #require(try await server.request("GET", "/api/v1/stats", headers: auth).json)
        #expect(remote["groups"] == local["groups"])
        let filtered = try #require(try await server.request("GET", "/api/v1/stats?service=shopping_cart&since=7d", headers: auth).json)
        #expect(filtered["groups"]?.arrayValue?.map { $0["service"] } == [.string("shopping-cart")])
        #expect(try await server.request("GET", "/api/v1/stats?since=last%20week", headers: auth).status == 400)
        #expect(try await server.request("GET", "/api/v1/stats").status == 401)

        // Text: a table; the window and filters as flags.
        let text = try cli.run(["stats", "--state", cli.state, "--environment", "Production", "--since", "7d"])
        #expect(text.code == 0 && text.stdout.contains("shopping-cart") && !text.stdout.contains("mystery"), "\(text)")
        #expect(text.stdout.contains("1h 30m / 2h") && text.stdout.contains("33.3%") && text.stdout.contains("30m"), "\(text.stdout)")
        let bad = try cli.run(["stats", "--state", cli.state, "--since", "last week"])
        #expect(bad.code == 1 && bad.stderr.contains("--since takes a duration"), "\(bad)")
    }
}
