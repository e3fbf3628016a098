import Foundation
import Testing
import ReactionsCore

/// Changed scripts, integrations and templates in a plan: diffs of what they are and send,
/// not digests, in text, Markdown and JSON, locally and through --server.
@Suite struct PlanDiffCLITests {
    static func config(script: String = "hook.sh", application: String = "1", path: String = "deploys") -> String {
        ##"""
        "services": [{"name": "cart"}],
        "templates": [{"name": "acme-log", "parameters": [{"name": "team"}],
                       "request": {"method": "POST", "url": "https://log.example.com/\##(path)", "body": {"team": "#{settings.team}", "service": "#{deploy.service}"}}}],
        "integrations": [
          {"name": "nr", "template": "newrelic-deployment", "settings": {"application_id": "\##(application)", "api_key": {"secret": "NR_KEY"}}},
          {"name": "log", "template": "acme-log", "settings": {"team": "payments"}}
        ],
        "reactions": [
          {"name": "run-hook", "when": {"events": ["deploy.succeeded"]}, "then": {"script": {"path": "\##(script)"}}},
          {"name": "mark", "when": {"events": ["deploy.succeeded"]}, "then": {"integration": "nr"}},
          {"name": "log", "when": {"events": ["deploy.succeeded"]}, "then": {"integration": "log"}}
        ]
        """##
    }

    static let hook = "#!/bin/sh\nset -eu\necho old\nexit 0\n"

    @Test func scriptsIntegrationsAndTemplatesShowWhatChanges() async throws {
        let cli = try CLI()
        try cli.writeConfig(Self.config())
        try cli.write("config/hook.sh", Self.hook)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"], env: ["REACTIONS_PLAN_TOKEN": "plan-tok", "NR_KEY": "nr-secret"])
        defer { _ = server.stop() }

        try cli.writeConfig(Self.config(application: "2", path: "v2/deploys"))
        try cli.write("config/hook.sh", "#!/bin/sh\nset -eu\necho new\nexit 0\n")
        let text = try cli.run(["plan", "--config", cli.config, "--state", cli.state])
        #expect(text.code == 0, "\(text)")
        #expect(text.stdout.contains("# script hook.sh:"), "\(text.stdout)")
        for line in ["--- a/hook.sh", "+++ b/hook.sh", "@@ -1,4 +1,4 @@", "-echo old", "+echo new", " set -eu"] {
            #expect(text.stdout.contains(line), "\(line) in\n\(text.stdout)")
        }
        // The integration's request before → after, for the same sample deploy.
        #expect(text.stdout.contains("-POST https://api.newrelic.com/v2/applications/1/deployments.json"), "\(text.stdout)")
        #expect(text.stdout.contains("+POST https://api.newrelic.com/v2/applications/2/deployments.json"))
        #expect(text.stdout.contains("integration \"log\" sends, for a sample deploy (running revision → plan)"))
        #expect(text.stdout.contains("-POST https://log.example.com/deploys") && text.stdout.contains("+POST https://log.example.com/v2/deploys"))
        #expect(!text.stdout.contains("nr-secret"))

        let json = try JSONParser.value(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "json"]).stdout)
        let changes = try #require(json["changes"]?.arrayValue)
        func change(_ address: String) -> JSON? { changes.first { $0["address"] == .string(address) } }
        let diff = try #require(change("reaction.run-hook")?["content_diff"]?.stringValue)
        #expect(diff.hasPrefix("--- a/hook.sh\n+++ b/hook.sh\n@@ -1,4 +1,4 @@\n") && diff.contains("\n-echo old\n+echo new\n"), "\(diff)")
        #expect(change("integration.nr")?["renders_before"]?["url"] == .string("https://api.newrelic.com/v2/applications/1/deployments.json"))
        #expect(change("integration.nr")?["renders"]?["url"] == .string("https://api.newrelic.com/v2/applications/2/deployments.json"))
        let templated = try #require(change("template.acme-log")?["integrations_render"]?.arrayValue?.first)
        #expect(templated["integration"] == .string("log"))
        #expect(templated["before"]?["url"] == .string("https://log.example.com/deploys") && templated["after"]?["url"] == .string("https://log.example.com/v2/deploys"))

        let markdown = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "markdown"]).stdout
        #expect(markdown.contains("_script hook.sh_\n\n```diff\n--- a/hook.sh\n+++ b/hook.sh\n"), "\(markdown)")
        #expect(markdown.contains("-echo old\n+echo new\n"))

        // Through the server: the running revision's script comes from it.
        let remote = try cli.run(["plan", "--config", cli.config, "--server", "http://127.0.0.1:\(server.port)", "--format", "json"],
                                 env: ["REACTIONS_TOKEN": "plan-tok"])
        #expect(remote.code == 0, "\(remote)")
        let remoteChanges = try JSONParser.value(remote.stdout)["changes"]?.arrayValue ?? []
        #expect(remoteChanges.first { $0["address"] == .string("reaction.run-hook") }?["content_diff"]?.stringValue == diff)
    }

    @Test func newBinaryAndLongScripts() throws {
        let cli = try CLI()
        try cli.writeConfig(Self.config(script: "new.sh"))
        try cli.write("config/new.sh", "#!/bin/sh\necho hello\n")
        let created = try JSONParser.value(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "json"]).stdout)
        let diff = created["changes"]?.arrayValue?.first { $0["address"] == .string("reaction.run-hook") }?["content_diff"]?.stringValue
        #expect(diff == "--- /dev/null\n+++ b/new.sh\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+echo hello", "a new script is shown whole")
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)

        // Binary content is named, not printed.
        try FileManager.default.createDirectory(at: cli.directory.appendingPathComponent("config"), withIntermediateDirectories: true)
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01, 0x02]).write(to: cli.directory.appendingPathComponent("config/new.sh"))
        let binary = try cli.run(["plan", "--config", cli.config, "--state", cli.state])
        #expect(binary.stdout.contains("Binary file new.sh changed (21 → 7 bytes)"), "\(binary.stdout)")

        // A long change is cut at 200 diff lines, with a note of the rest.
        try cli.write("config/new.sh", (0..<500).map { "echo line \($0)" }.joined(separator: "\n") + "\n")
        let long = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "markdown"])
        #expect(long.stdout.contains("more diff lines not shown"), "\(long.stdout.suffix(600))")
        #expect(long.stdout.utf8.count < 65_536)
    }
}
