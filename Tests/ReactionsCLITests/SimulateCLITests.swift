import Foundation
import Testing
import ReactionsCore

@Suite struct SimulateCLITests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/octopus-reactions").standardizedFileURL.path

    func deploy(_ cli: CLI, environment: String, status: String = "succeeded") throws -> String {
        try cli.write("deploy.json", #"{"service": "core_web", "description": "Deploy 12", "deployed_at": "2019-02-01 13:28:33", "environment": "\#(environment)", "deployer": {"email": "m@example.com"}, "status": "\#(status)", "deploy_number": "12", "commit": {"sha": "abc123"}}"#)
        return cli.directory.appendingPathComponent("deploy.json").path
    }

    @Test func deploysShowWhatFiresWhyTheRestDoNotAndTheRenderedRequest() throws {
        let cli = try CLI()
        let production = try cli.run(["simulate", "--config", Self.examples, "--deploy", try deploy(cli, environment: "Production")],
                                     env: ["MONITOR_TOKEN": "real-monitor-token-value"])
        #expect(production.code == 0, "\(production)")
        #expect(production.stdout.contains("Event deploy.succeeded for core-web from endpoint octopus-deploys: 2 of 3 reactions fire."))
        #expect(production.stdout.contains("POST https://monitor.example.com/api/annotations"))
        #expect(production.stdout.contains("Authorization: Bearer «secret MONITOR_TOKEN»"))
        #expect(!production.stdout.contains("real-monitor-token-value"), "a dry run never reads secrets")
        #expect(production.stdout.contains(#""deploy_number": "12""#))
        #expect(production.stdout.contains("POST https://api.newrelic.com/v2/applications/12345/deployments.json"), "integrations render their vendor's request")
        #expect(production.stdout.contains("X-Api-Key: «secret NEW_RELIC_API_KEY»"))
        #expect(production.stdout.contains(#""revision": "abc123""#), "integration settings are rendered for the event")

        let staging = try cli.run(["simulate", "--config", Self.examples, "--deploy", try deploy(cli, environment: "Staging"), "--format", "json"])
        let json = try JSONParser.value(staging.stdout)
        let reactions = json["reactions"]?.arrayValue ?? []
        #expect(reactions.allSatisfy { $0["fires"] == .bool(false) })
        let annotate = reactions.first { $0["name"] == .string("annotate-monitoring") }
        #expect(annotate?["reason"]?.stringValue == #"filter environment: "Staging" does not match "Production""#)
    }

    @Test func webhooksRenderTheScriptInvocation() throws {
        let cli = try CLI()
        try cli.write("payload.json", #"{"PackageIdentifier": "Shop.Web", "PackageVersion": "1.2.3"}"#)
        let result = try cli.run(["simulate", "--config", Self.examples, "--webhook", "myget",
                                  "--payload", cli.directory.appendingPathComponent("payload.json").path, "--query", "version=1.2.3"])
        #expect(result.code == 0, "\(result)")
        #expect(result.stdout.contains(#"✓ release-on-package"#))
        #expect(result.stdout.contains(#"run "scripts/create-release.py" "Shop.Web" "1.2.3""#))
        try cli.write("other.json", #"{"PackageIdentifier": "Other.Lib", "PackageVersion": "1"}"#)
        let filtered = try cli.run(["simulate", "--config", Self.examples, "--webhook", "myget",
                                    "--payload", cli.directory.appendingPathComponent("other.json").path])
        #expect(filtered.stdout.contains(#"✗ release-on-package  filter payload.PackageIdentifier: "Other.Lib" does not match {"glob":"Shop.*"}"#), "\(filtered)")
    }

    @Test func inputsTheRuntimeWouldRefuseAreErrors() throws {
        let cli = try CLI()
        try cli.write("bad.json", #"{"service": "core-web"}"#)
        let bad = try cli.run(["simulate", "--config", Self.examples, "--deploy", cli.directory.appendingPathComponent("bad.json").path])
        #expect(bad.code == 1)
        #expect(bad.stderr.contains("refused with 400: Description Error"))
        let unknown = try cli.run(["simulate", "--config", Self.examples, "--webhook", "nope", "--payload", cli.directory.appendingPathComponent("bad.json").path])
        #expect(unknown.code == 1)
        #expect(unknown.stderr.contains(#"no webhook endpoint named "nope""#))
        let both = try cli.run(["simulate", "--config", Self.examples, "--event", "a", "--deploy", "b"])
        #expect(both.code == 1)
    }

    @Test func handWrittenEvents() throws {
        let cli = try CLI()
        try cli.write("event.json", #"{"type": "custom.release.created", "data": {"version": "1.2.3"}}"#)
        let result = try cli.run(["simulate", "--config", Self.examples, "--event", cli.directory.appendingPathComponent("event.json").path, "--format", "json"])
        #expect(result.code == 0, "\(result)")
        let json = try JSONParser.value(result.stdout)
        #expect(json["event"]?["specversion"] == .string("1.0"))
        #expect(json["reactions"]?.arrayValue?.count == 3)
    }
}
