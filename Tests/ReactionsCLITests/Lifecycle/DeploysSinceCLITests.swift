import Foundation
import Testing
import ReactionsCore

/// Issue 16: "what changed in Production in the last 2 hours", from the CLI and the API.
@Suite struct DeploysSinceCLITests {
    @Test func deploysSinceADurationOrATime() async throws {
        let setup = try DeployTracking([], env: ["REACTIONS_READ_TOKEN": "reader"])
        let (cli, server, path) = (setup.cli, setup.server, setup.path)
        defer { _ = server.stop() }
        #expect(try await server.request("POST", path, body: deployBody(dedup: "old")).status == 202)
        try await Task.sleep(for: .milliseconds(1_200))
        let between = Timestamp.format(milliseconds: Timestamp.epochMilliseconds() - 100)
        #expect(try await server.request("POST", path, body: deployBody(dedup: "new", environment: "Staging")).status == 202)
        #expect(try await server.request("POST", path, body: deployBody(dedup: "newer")).status == 202)

        func dedups(_ arguments: [String]) throws -> [String] {
            let listed = try cli.run(["deploys", "--state", cli.state, "--format", "json"] + arguments)
            return (try JSONParser.value(listed.stdout).arrayValue ?? []).compactMap { $0["dedup_id"]?.stringValue }
        }
        #expect(try dedups(["--since", "1h"]) == ["newer", "new", "old"])
        // A duration counts back from when the command runs (however late a loaded machine
        // starts it): an hour holds all three, a millisecond none. A time is exact.
        #expect(try dedups(["--since", between]) == ["newer", "new"])
        #expect(try dedups(["--since", between, "--environment", "Production"]) == ["newer"])
        #expect(try dedups(["--since", "2019-02-01 13:28:33"]).count == 3)
        #expect(try dedups(["--since", "99999999d"]).count == 3, "longer ago than 1970 is everything")
        let none = try cli.run(["deploys", "--state", cli.state, "--since", "1ms"])
        #expect(none.stdout.contains("No deploys match --service/--environment/--since."), "\(none)")
        let bad = try cli.run(["deploys", "--state", cli.state, "--since", "yesterday"])
        #expect(bad.code == 1 && bad.stderr.contains("--since takes a duration (2h, 7d) or a time"), "\(bad)")
        // The API takes a time.
        let api = try await server.request("GET", "/api/v1/deploys?since=\(between)&environment=Production", headers: ["Authorization": "Bearer reader"])
        let listed = try JSONParser.value(api.body)["deploys"]?.arrayValue ?? []
        #expect(api.status == 200 && listed.compactMap { $0["dedup_id"]?.stringValue } == ["newer"], "\(api.body)")
        let wrong = try await server.request("GET", "/api/v1/deploys?since=soon", headers: ["Authorization": "Bearer reader"])
        #expect(wrong.status == 400)
    }
}
