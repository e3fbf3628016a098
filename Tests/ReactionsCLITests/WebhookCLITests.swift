import Foundation
import Testing
import ReactionsCore

/// Webhook endpoints (external triggers) through `reactions serve`.
@Suite(.serialized) struct WebhookCLITests {
    static let config = #"""
    "endpoints": [
      {"name": "myget", "kind": "webhook", "path": "/triggers/mygetpackage", "auth": {"api_key": {"secret": "MYGET_HOOK_KEY"}}},
      {"name": "github", "kind": "webhook", "path": "/triggers/github", "auth": {"hmac": {"preset": "github", "secret": {"secret": "GH_SECRET"}}}},
      {"name": "svix", "kind": "webhook", "path": "/triggers/standard", "auth": {"hmac": {"preset": "standard-webhooks", "secret": {"secret": "SW_SECRET"}}}},
      {"name": "open", "kind": "webhook", "path": "/triggers/open", "auth": "none"}
    ],
    "reactions": [
      {"name": "release-on-package", "when": {"endpoint": "myget", "filter": {"payload.PackageIdentifier": {"glob": "Shop.*"}}},
       "then": {"script": {"path": "release.sh", "args": ["#{payload.PackageIdentifier}"]}}}
    ]
    """#

    static let env = ["MYGET_HOOK_KEY": "k-123456", "GH_SECRET": "It's a Secret to Everybody", "SW_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                      "REACTIONS_ADMIN_TOKEN": "admin-token"]

    func serve() throws -> (CLI, ServeProcess) {
        let cli = try CLI()
        try cli.writeConfig(Self.config)
        try cli.write("config/release.sh", "#!/bin/sh\n")
        return (cli, try ServeProcess(cli, arguments: ["--config", cli.config], env: Self.env))
    }

    @Test func apiKeysInAHeaderABearerTokenOrTheQueryString() async throws {
        let (cli, server) = try serve()
        let body = #"{"PackageIdentifier": "Shop.Web", "PackageVersion": "1.2.3"}"#
        for (path, headers) in [("/triggers/mygetpackage", ["X-Api-Key": "k-123456"]),
                                ("/triggers/mygetpackage", ["Authorization": "Bearer k-123456"]),
                                ("/triggers/mygetpackage?api_key=k-123456&version=1.2.3", [:])] {
            let response = try await server.request("POST", path, body: body, headers: headers)
            #expect(response.status == 202, "\(path): \(response.body)")
            #expect(response.json?["reactions"] == .int(1))
            #expect(response.json?["event_id"]?.stringValue?.count == 36)
        }
        let other = try await server.request("POST", "/triggers/mygetpackage", body: #"{"PackageIdentifier": "Other"}"#, headers: ["X-Api-Key": "k-123456"])
        #expect(other.json?["reactions"] == .int(0))
        var rejections: Set<String> = []
        for headers in [[:], ["X-Api-Key": "wrong"], ["Authorization": "Bearer k-12345"], ["X-Api-Key": "k-1234567"]] {
            let response = try await server.request("POST", "/triggers/mygetpackage", body: body, headers: headers)
            #expect(response.status == 401)
            rejections.insert(response.body)
        }
        #expect(rejections.count == 1, "one message for every failure: no oracle")
        // Stored events hold the payload and the query, never the key.
        let events = try await server.request("GET", "/api/v1/events?type=webhook.received", headers: ["Authorization": "Bearer admin-token"])
        let stored = events.json?["events"]?.arrayValue ?? []
        #expect(stored.count == 4)
        let withQuery = stored.first { $0["data"]?["query"]?["version"] != nil }
        #expect(withQuery?["data"]?["query"]?["version"] == .string("1.2.3"))
        #expect(withQuery?["data"]?["payload"]?["PackageIdentifier"] == .string("Shop.Web"))
        #expect(withQuery?["endpoint"] == .string("myget"))
        #expect(!events.body.contains("k-123456"))
        #expect(server.stop() == 0)

        // `explain` replays a recorded event against the revision it arrived under.
        let eventID = try #require(withQuery?["id"]?.stringValue)
        let explained = try cli.run(["explain", eventID, "--state", cli.state])
        #expect(explained.code == 0, "\(explained)")
        #expect(explained.stdout.contains("webhook.received"))
        #expect(explained.stdout.contains("under revision 1"))
        #expect(explained.stdout.contains(#"run "release.sh" "Shop.Web""#))
        let missing = try cli.run(["explain", "0000", "--state", cli.state])
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("no event 0000"))
        #expect(!server.log.joined().contains("k-123456"))
    }

    @Test func githubAndStandardWebhooksSignatures() async throws {
        let (_, server) = try serve()
        let signed = try await server.request("POST", "/triggers/github", body: "Hello, World!",
                                              headers: ["X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "Content-Type": "text/plain"])
        #expect(signed.status == 400, "a valid signature over a body that is not JSON: authenticated, then refused as a body")
        let tampered = try await server.request("POST", "/triggers/github", body: "Hello, World?",
                                                headers: ["X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"])
        #expect(tampered.status == 401)

        let signer = try StandardWebhooks(secret: Self.env["SW_SECRET"] ?? "")
        let now = Int64(Date().timeIntervalSince1970)
        let body = #"{"type": "invoice.paid"}"#
        let headers = ["webhook-id": "msg_1", "webhook-timestamp": String(now), "webhook-signature": signer.sign(id: "msg_1", timestamp: now, body: Array(body.utf8))]
        let first = try await server.request("POST", "/triggers/standard", body: body, headers: headers)
        #expect(first.status == 202, "\(first.body)")
        let replay = try await server.request("POST", "/triggers/standard", body: body, headers: headers)
        #expect(replay.status == 202)
        #expect(replay.json?["duplicate"] == .bool(true))
        #expect(replay.json?["event_id"] == first.json?["event_id"], "a replay is acknowledged with the original event")
        let old = now - 600
        let stale = try await server.request("POST", "/triggers/standard", body: body, headers: [
            "webhook-id": "msg_2", "webhook-timestamp": String(old), "webhook-signature": signer.sign(id: "msg_2", timestamp: old, body: Array(body.utf8))])
        #expect(stale.status == 401, "outside the replay window")
        #expect(server.stop() == 0)
    }

    @Test func formBodiesAndOpenEndpoints() async throws {
        let (_, server) = try serve()
        let form = try await server.request("POST", "/triggers/open?ref=main", body: "a=1&b=two+words&a=3",
                                            headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(form.status == 202)
        let bad = try await server.request("POST", "/triggers/open", body: "{not json")
        #expect(bad.status == 400)
        #expect(bad.body.contains("not valid JSON"))
        #expect(try await server.request("GET", "/triggers/open").status == 405)
        #expect(server.stop() == 0)
    }
}
