import Foundation
import Testing
import ReactionsCore

/// `plan --server` and `apply --server` against a running serve's admin API, with scoped tokens.
@Suite struct RemoteCLITests {
    static let tokens = ["REACTIONS_READ_TOKEN": "read-tok-1", "REACTIONS_PLAN_TOKEN": "plan-tok-2", "REACTIONS_APPLY_TOKEN": "apply-tok-3"]

    func config(_ extraService: Bool) -> String {
        #""services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}"# + (extraService ? #", {"name": "search", "owner": "team-find"}"# : "")
            + #"], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}], "#
            + ##""reactions": [{"name": "mark", "when": {"events": ["deploy.succeeded"]}, "then": {"http": {"method": "POST", "url": "https://monitor.example.com/a", "headers": {"Authorization": "Bearer #{secret.MONITOR_TOKEN}"}}}}]"##
    }

    @Test func remotePlanAndApplyMatchLocalAndRespectScopes() async throws {
        let cli = try CLI()
        try cli.writeConfig(config(false))
        // The server has MONITOR_TOKEN; this machine (the CI runner) does not.
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: Self.tokens.merging(["MONITOR_TOKEN": "m-secret"]) { a, _ in a })
        defer { _ = server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        try cli.writeConfig(config(true))

        let local = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "json"])
        let remote = try cli.run(["plan", "--config", cli.config, "--server", url, "--format", "json"], env: ["REACTIONS_TOKEN": "plan-tok-2"])
        #expect(remote.code == 0, "\(remote)")
        let l = try JSONParser.value(local.stdout), r = try JSONParser.value(remote.stdout)
        #expect(r["changes"] == l["changes"] && r["summary"] == l["summary"] && r["base_revision"] == l["base_revision"], "the same plan")
        #expect(r["summary"]?["add"] == .int(1))
        // Secrets are checked where the revision will run.
        #expect(l["warnings"]?.arrayValue?.contains { $0["message"]?.stringValue?.contains("MONITOR_TOKEN") == true } == true)
        #expect(r["warnings"]?.arrayValue?.contains { $0["message"]?.stringValue?.contains("MONITOR_TOKEN") == true } == false)
        #expect(!remote.stdout.contains("m-secret") && !remote.stderr.contains("m-secret"))

        // Scopes: read cannot plan; plan cannot apply; a wrong token is refused.
        let readOnly = try cli.run(["plan", "--config", cli.config, "--server", url], env: ["REACTIONS_TOKEN": "read-tok-1"])
        #expect(readOnly.code == 1 && readOnly.stderr.contains("REACTIONS_PLAN_TOKEN"), "\(readOnly)")
        let wrong = try cli.run(["plan", "--config", cli.config, "--server", url], env: ["REACTIONS_TOKEN": "nope"])
        #expect(wrong.code == 1 && wrong.stderr.contains("401"), "\(wrong)")
        #expect(try cli.run(["plan", "--config", cli.config, "--server", url]).stderr.contains("REACTIONS_TOKEN"))

        let saved = try cli.run(["plan", "--config", cli.config, "--server", url, "--out", "remote.plan"], env: ["REACTIONS_TOKEN": "plan-tok-2"])
        #expect(saved.code == 0, "\(saved)")
        let denied = try cli.run(["apply", "remote.plan", "--server", url], env: ["REACTIONS_TOKEN": "plan-tok-2"])
        #expect(denied.code == 1 && denied.stderr.contains("REACTIONS_APPLY_TOKEN"), "\(denied)")
        let applied = try cli.run(["apply", "remote.plan", "--server", url], env: ["REACTIONS_TOKEN": "apply-tok-3"])
        #expect(applied.code == 0 && applied.stdout.contains("Revision 2"), "\(applied)")
        // The server serves it at once, and it is the same state a local reader sees.
        let state = try await server.request("GET", "/api/v1/state", headers: ["Authorization": "Bearer read-tok-1"])
        #expect(state.json?["revision"] == .int(2) && state.json?["head"]?["number"] == .int(2))
        #expect(try cli.run(["state", "history", "--state", cli.state]).stdout.contains("apply remote.plan"))
        #expect(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--detailed-exitcode"]).code == 0, "no changes left")

        // The same saved plan again: the state moved, so it is stale, exactly as locally.
        let stale = try cli.run(["apply", "remote.plan", "--server", url], env: ["REACTIONS_TOKEN": "apply-tok-3"])
        #expect(stale.code == 1 && stale.stderr.contains("stale"), "\(stale)")
        // An unchanged config through the server is a no-op.
        let noop = try cli.run(["apply", "--config", cli.config, "--server", url, "--auto-approve"], env: ["REACTIONS_TOKEN": "apply-tok-3"])
        #expect(noop.code == 0 && noop.stdout.contains("No changes"), "\(noop)")
        #expect(try cli.run(["plan", "--config", cli.config, "--server", url, "--state", cli.state], env: ["REACTIONS_TOKEN": "plan-tok-2"]).code == 1)

        // The server's history and revisions, read like a local state file's.
        let history = try cli.run(["state", "history", "--server", url, "--format", "json"], env: ["REACTIONS_TOKEN": "read-tok-1"])
        let localHistory = try cli.run(["state", "history", "--state", cli.state, "--format", "json"])
        #expect(history.code == 0 && history.stdout == localHistory.stdout, "\(history)")
        let newest = try cli.run(["state", "history", "--server", url, "--limit", "1"], env: ["REACTIONS_TOKEN": "read-tok-1"])
        #expect(newest.stdout.contains("apply remote.plan") && !newest.stdout.contains("serve --config"), "\(newest)")
        let shown = try cli.run(["state", "show", "1", "--server", url, "--format", "json"], env: ["REACTIONS_TOKEN": "plan-tok-2"])
        #expect(shown.code == 0, "\(shown)")
        #expect(try JSONParser.value(shown.stdout)["revision"]?["number"] == .int(1))
        let rollback = try cli.run(["state", "rollback", "1", "--server", url], env: ["REACTIONS_TOKEN": "apply-tok-3"])
        #expect(rollback.code != 0 && rollback.stderr.contains("local state file"), "\(rollback)")
    }

    @Test func aConfigOverTheDefaultBodyLimitAppliesThroughTheServer() async throws {
        let cli = try CLI()
        try cli.writeConfig(#""services": [{"name": "shopping-cart"}], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}]"#)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: Self.tokens)
        defer { _ = server.stop() }
        // About 2 MB of normalized document: over the 1 MiB every other request gets.
        let reactions = (0..<5_000).map { i in
            ##"{"name": "mark-\##(i)", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "env-\##(i)"}}, "then": {"http": {"method": "POST", "url": "https://monitor.example.com/annotations/\##(i)", "body": {"text": "#{deploy.service} reached env-\##(i)", "tags": ["deploy", "reactions"]}}}}"##
        }
        try cli.writeConfig(#""services": [{"name": "shopping-cart"}], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}], "reactions": ["#
                            + reactions.joined(separator: ",\n") + "]")
        let url = "http://127.0.0.1:\(server.port)"
        let applied = try cli.run(["apply", "--config", cli.config, "--server", url, "--auto-approve"], env: ["REACTIONS_TOKEN": "apply-tok-3"])
        #expect(applied.code == 0 && applied.stdout.contains("Revision 2"), "\(applied.stderr)")
        // Without a token that may apply, the same size is refused from the head alone.
        for authorization in ["Authorization: Bearer plan-tok-2\r\n", ""] {
            let head = "POST /api/v1/revisions HTTP/1.1\r\nHost: x\r\n\(authorization)Content-Length: \(2 << 20)\r\n\r\n"
            #expect(try Self.statusLine(port: server.port, sending: head).contains(" 413 "), "\(authorization)")
        }
    }

    /// Sends `bytes` on a fresh connection and returns the first line of the answer.
    static func statusLine(port: Int, sending bytes: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
        _ = bytes.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, 0)
        return String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
    }
}
