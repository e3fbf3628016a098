import Foundation
import Testing
import TestSupport
import ReactionsCore

/// `test --from-event`: a fixture pinned from an event recorded by a real serve (locally and
/// through --server), then `test` failing on a change with the failing clause, and JUnit XML.
@Suite struct FixtureFromEventCLITests {
    static func config(environment: String) -> String {
        ##"""
        "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
        "endpoints": [{"name": "ci-deploys", "kind": "deploy"}],
        "reactions": [
          {"name": "prod-deploys", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "\##(environment)"}},
           "then": {"http": {"url": "http://127.0.0.1:9/hook", "headers": {"Authorization": "Bearer #{secret.HOOK_TOKEN}"}, "body": {"text": "#{deploy.service} #{deploy.deploy_number}"}}}},
          {"name": "every-deploy", "when": {"events": ["deploy.*"]}, "then": {"http": {"url": "http://127.0.0.1:9/all"}}}
        ]
        """##
    }

    @Test func aRecordedEventBecomesAFixtureThatCatchesAChange() async throws {
        let cli = try CLI()
        try cli.writeConfig(Self.config(environment: "Production"))
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"],
                                      env: ["REACTIONS_READ_TOKEN": "read-tok", "HOOK_TOKEN": "s3cr3t"])
        defer { _ = server.stop() }
        let sent = try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody(dedup: "pin", number: "41"))
        #expect(sent.status == 202, "\(sent.body)")
        let deploys = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json"]).stdout)
        let id = try #require((deploys["deploys"]?.arrayValue ?? deploys.arrayValue)?.first?["event_id"]?.stringValue)

        let written = try cli.run(["test", "--from-event", id, "--config", cli.config, "--state", cli.state, "--out", "config/tests/prod.test.json"])
        #expect(written.code == 0, "\(written)")
        #expect(written.stdout.contains("it fires every-deploy, prod-deploys"), "\(written.stdout)")
        let fixture = try JSONParser.value(try cli.read("config/tests/prod.test.json"))
        #expect(fixture["event"]?["id"] == .string(id) && fixture["event"]?["data"]?["deploy_number"] == .string("41"))
        #expect(fixture["expect"]?["fires"] == .array([.string("every-deploy"), .string("prod-deploys")]))
        #expect(fixture["expect"]?["only"] == .bool(true))
        #expect(fixture["expect"]?["actions"]?["prod-deploys"]?["body"] == .object(["text": .string("shopping_cart 41")]))
        #expect(!(try cli.read("config/tests/prod.test.json")).contains("s3cr3t"), "secrets stay names")

        // Through the server, the same fixture.
        let remote = try cli.run(["test", "--from-event", id, "--config", cli.config, "--server", "http://127.0.0.1:\(server.port)"],
                                 env: ["REACTIONS_TOKEN": "read-tok"])
        #expect(remote.code == 0, "\(remote)")
        #expect(try JSONParser.value(remote.stdout) == fixture)

        let passing = try cli.run(["test", "--config", cli.config])
        #expect(passing.code == 0 && passing.stdout.contains("PASS") && passing.stdout.contains("fires: every-deploy, prod-deploys"), "\(passing)")

        // A change that stops the reaction firing for that event fails the fixture, saying why.
        try cli.writeConfig(Self.config(environment: "Staging"))
        let failing = try cli.run(["test", "--config", cli.config])
        #expect(failing.code == 1, "\(failing)")
        #expect(failing.stdout.contains("FAIL") && failing.stdout.contains(#"expected prod-deploys to fire, but filter environment: "Production" does not match "Staging""#),
                "\(failing.stdout)")

        // JUnit XML, read by Python's parser as a CI system would.
        let junit = try cli.run(["test", "--config", cli.config, "--format", "junit"])
        #expect(junit.code == 1)
        try cli.write("report.xml", junit.stdout)
        let (status, summary) = try runProgram("/usr/bin/python3", ["-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            case = root.find("testsuite/testcase")
            print(root.get("tests"), root.get("failures"), case.get("classname"), case.find("failure").get("message"))
            """, cli.directory.appendingPathComponent("report.xml").path])
        #expect(status == 0, "\(summary)")
        #expect(summary.hasPrefix(#"1 1 tests/prod.test.json expected prod-deploys to fire, but filter environment: "Production" does not match "Staging""#), "\(summary)")

        // An id of the same millisecond that was never recorded (an old one would be
        // reported as pruned by serve's default 30-day retention).
        let unknown = try cli.run(["test", "--from-event", String(id.dropLast(12)) + "ffffffffffff", "--config", cli.config, "--state", cli.state])
        #expect(unknown.code == 1 && unknown.stderr.contains("no event"), "\(unknown)")
    }
}
