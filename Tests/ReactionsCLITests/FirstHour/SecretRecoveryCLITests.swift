import Foundation
import Testing
import ReactionsCore

/// Issue 12, 5: recovering from a missing secret was slow and invisible. serve said nothing
/// about not being ready, the delivery waited for its next scheduled attempt after the
/// secret was provided, and `deliveries retry` refused a retrying delivery.
@Suite struct SecretRecoveryCLITests {
    /// Retries an hour apart: anything sooner is the fix at work, not the schedule.
    static func config(_ url: String) -> String {
        #""services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}], "#
            + ##""reactions": [{"name": "mark", "when": {"events": ["deploy.succeeded"]}, "retry": {"initial_delay": "1h", "max_delay": "2h"}, "##
            + ##""then": {"http": {"method": "POST", "url": "\##(url)/mark", "headers": {"Authorization": "Bearer #{secret.MONITOR_TOKEN}"}}}}]"##
    }

    func deliveries(_ cli: CLI) throws -> [JSON] {
        try JSONParser.value(try cli.run(["deliveries", "--state", cli.state, "--format", "json"]).stdout).arrayValue ?? []
    }

    @Test func readinessIsLoggedAndADeliveryWaitingForASecretRunsSoonAfterItAppears() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.config(receiver.url))
        let secrets = cli.directory.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--secrets-dir", secrets.path])
        defer { _ = server.stop() }
        // Said at start, with the secret's name.
        #expect(try await eventually(seconds: 5) {
            server.log.contains { $0.contains(#""msg":"not ready""#) && $0.contains(#""missing_secrets":["MONITOR_TOKEN"]"#) }
        }, "\(server.log)")

        let deploy = try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody())
        #expect(deploy.status == 202)
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("retrying") })
        let waiting = try #require(try deliveries(cli).first)
        #expect(waiting["last_error"]?.stringValue?.contains("secret MONITOR_TOKEN is not available") == true)
        let next = try #require(waiting["next_attempt_at"]?.stringValue)
        let soon = Timestamp.format(milliseconds: Timestamp.epochMilliseconds() + 30 * 60 * 1000)
        #expect(next > soon, "its next scheduled attempt is about an hour away: \(next)")
        #expect(receiver.requests.isEmpty)

        try Data("token-value\n".utf8).write(to: secrets.appendingPathComponent("MONITOR_TOKEN"))
        let got = try await receiver.wait(for: 1, seconds: 10)
        #expect(got.count == 1, "delivered soon after the secret appeared")
        #expect(got.first?.headers["authorization"] == "Bearer token-value")
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("delivered") })
        #expect(try await eventually(seconds: 5) { server.log.contains { $0.contains(#""msg":"ready""#) } }, "\(server.log)")
        #expect(server.log.contains { $0.contains("missing secrets now resolve") })
        #expect(!server.log.joined().contains("token-value"))
        let readiness = server.log.filter { $0.contains(#""msg":"ready""#) || $0.contains(#""msg":"not ready""#) }
        #expect(readiness.count == 2, "logged once at start and once on the change: \(readiness)")
    }

    @Test func retryRunsARetryingDeliveryNow() async throws {
        let receiver = try Receiver(answers: [503])
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.config(receiver.url))
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["MONITOR_TOKEN": "t"])
        defer { _ = server.stop() }
        _ = try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody())
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("retrying") })
        let id = try #require(try deliveries(cli).first?["id"]?.stringValue)

        let retry = try cli.run(["deliveries", "retry", id, "--state", cli.state])
        #expect(retry.code == 0, "\(retry)")
        #expect(retry.stdout.contains("is queued to be attempted now"))
        #expect(try await receiver.wait(for: 2, seconds: 10).count == 2)
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("delivered") })
        #expect(try deliveries(cli).first?["attempts"] == .int(2))
    }
}
