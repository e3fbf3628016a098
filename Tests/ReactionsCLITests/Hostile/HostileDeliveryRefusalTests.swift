import Foundation
import Testing
import ReactionsCore

/// Issue 11: values from a payload that would change what is sent or run are refused,
/// at once and for good (a retry renders the same values), with the reason recorded.
@Suite struct HostileDeliveryRefusalTests {
    func deliveries(_ cli: CLI) throws -> [JSON] {
        try JSONParser.value(try cli.run(["deliveries", "--state", cli.state, "--format", "json", "--limit", "100"]).stdout).arrayValue ?? []
    }

    /// Defect 5: with `/base/#{deploy.description}/tail` and a description of `..`, the
    /// receiver got `POST /tail`.
    @Test func aValueThatWouldMakeADotSegmentIsNeverSent() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(#"""
        "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
        "endpoints": [{"name": "ci-deploys", "kind": "deploy"}],
        "reactions": [{"name": "mark", "when": {"events": ["deploy.succeeded"]}, "retry": {"max_attempts": 5, "initial_delay": "100ms"},
                       "then": {"http": {"url": "\#(receiver.url)/base/#{deploy.description}/tail"}}}]
        """#)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"])
        defer { _ = server.stop() }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        func deploy(_ description: String) -> String {
            deployBody(dedup: description).replacingOccurrences(of: "Deployed by CI Pipeline", with: description)
        }
        for description in ["..", ".", "%2e%2E", "a/../b", "fine"] {
            #expect(try await server.request("POST", path, body: deploy(description)).status == 202)
        }
        let got = try await receiver.wait(for: 3)
        #expect(try await eventually { try deliveries(cli).filter { $0["status"] == .string("failed") }.count == 2 })
        // Raw request lines, as the receiver read them: every value stayed inside its segment.
        #expect(Set(got.map { String($0.head.target) }) == ["/base/%252e%252E/tail", "/base/a%2F..%2Fb/tail", "/base/fine/tail"])
        let failed = try deliveries(cli).filter { $0["status"] == .string("failed") }
        #expect(failed.allSatisfy { $0["attempts"] == .int(1) }, "refused for good at once: \(failed)")
        #expect(failed.allSatisfy { ($0["last_error"]?.stringValue ?? "").contains("step up the path") }, "\(failed)")
    }

    /// Risks: a NUL inside a script argument or env value silently truncated it; an
    /// argument list over the kernel's limit (E2BIG) was retried for hours.
    @Test func scriptArgumentsWithANulOrPastTheKernelsLimitAreRefusedForGood() async throws {
        let cli = try CLI()
        try cli.writeConfig(#"""
        "endpoints": [{"name": "hooks", "kind": "webhook", "path": "/hooks", "auth": "none", "max_body_bytes": 1048576}],
        "reactions": [{"name": "run", "when": {"endpoint": "hooks"}, "retry": {"max_attempts": 5, "initial_delay": "100ms"},
                       "then": {"script": {"path": "echo.sh", "args": ["#{payload.value}"], "env": {"NOTE": "#{payload.note}"}}}}]
        """#)
        try cli.write("config/echo.sh", "#!/bin/sh\necho \"ran with ${#1} bytes\"\n")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"])
        defer { _ = server.stop() }
        let big = String(repeating: "x", count: 200_000)
        for body in [#"{"value": "a\u0000b"}"#, #"{"value": "ok", "note": "n\u0000"}"#, #"{"value": "\#(big)"}"#, #"{"value": "fine"}"#] {
            #expect(try await server.request("POST", "/hooks", body: body).status == 202)
        }
        #expect(try await eventually { try deliveries(cli).filter { $0["status"] == .string("failed") }.count == 3
                && deliveries(cli).contains { $0["status"] == .string("delivered") } })
        let failed = try deliveries(cli).filter { $0["status"] == .string("failed") }
        let errors = failed.compactMap { $0["last_error"]?.stringValue }.sorted()
        #expect(failed.allSatisfy { $0["attempts"] == .int(1) }, "\(failed)")
        #expect(errors.contains { $0.contains("argument 1 contains a NUL") }, "\(errors)")
        #expect(errors.contains { $0.contains("environment variable NOTE contains a NUL") }, "\(errors)")
        #expect(errors.contains { $0.contains("E2BIG") }, "\(errors)")
    }

    @Test func validateRefusesANulInALiteralArgumentOrVariable() throws {
        let cli = try CLI()
        try cli.writeConfig(#"""
        "endpoints": [{"name": "hooks", "kind": "webhook", "path": "/hooks", "auth": "none"}],
        "reactions": [{"name": "run", "when": {"endpoint": "hooks"},
                       "then": {"script": {"path": "echo.sh", "args": ["--flag\u0000hidden"], "env": {"MODE": "a\u0000b"}}}}]
        """#)
        try cli.write("config/echo.sh", "#!/bin/sh\n")
        let result = try cli.run(["validate", "--config", cli.config])
        #expect(result.code == 1)
        #expect(result.stderr.contains("main.json:5:64: error: argument 1 contains a NUL character"), "\(result)")
        #expect(result.stderr.contains("the variable \"MODE\" contains a NUL character"), "\(result)")
    }
}
