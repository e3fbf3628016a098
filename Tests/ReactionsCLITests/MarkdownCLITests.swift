import Foundation
import Testing
import ReactionsCore

@Suite struct MarkdownCLITests {
    @Test func prCommentHasMarkerSummaryFirstAndDestructiveCallout() throws {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        try cli.writeConfig(sampleConfig.replacingOccurrences(of: "/triggers/mygetpackage", with: "/triggers/myget"))
        let md = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "markdown"])
        #expect(md.code == 0)
        let lines = md.stdout.split(separator: "\n")
        #expect(lines.first == "<!-- reactions-plan -->")
        #expect(lines.dropFirst().first == "### reactions plan: 1 to add, 0 to change, 1 to destroy")
        #expect(md.stdout.contains("> [!CAUTION]"))
        #expect(md.stdout.contains("`-/+` `endpoint.myget`"))
        #expect(md.stdout.contains("senders configured with the old URL will get 404"))
        #expect(md.stdout.contains("<details><summary>Details</summary>"))
        #expect(md.stdout.contains("```diff"))
        #expect(md.stdout.range(of: "[!CAUTION]")!.lowerBound < md.stdout.range(of: "<details>")!.lowerBound)
    }

    @Test func hugePlansStayUnderGitHubsLimitDeterministically() throws {
        let cli = try CLI()
        let reactions = (0..<3000).map { i in
            #"{"name": "reaction-\#(i)", "when": {"events": ["deploy.succeeded"]}, "then": {"http": {"url": "https://example.com/hooks/\#(i)", "body": {"text": "deploy \#(i) of a long description that takes room in the comment"}}}}"#
        }
        try cli.writeConfig("\"reactions\": [\n" + reactions.joined(separator: ",\n") + "\n]")
        let a = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "markdown"])
        let b = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "markdown"])
        #expect(a.code == 0)
        #expect(a.stdout == b.stdout, "truncation must be deterministic")
        #expect(a.stdout.utf8.count < 65_536, "\(a.stdout.utf8.count) bytes")
        #expect(a.stdout.hasPrefix("<!-- reactions-plan -->\n### reactions plan: 3000 to add"))
        #expect(a.stdout.contains("more changes are not listed") || a.stdout.contains("more changes are left out"))
    }

    /// A replay of a thousand changed reactions keeps the comment under the limit too: the
    /// replay's table and folded details have their share, cut at whole entries. (They fire
    /// on nothing, so serve has no deliveries to make; changed, they are all reported.)
    @Test func aHugeReplayStaysUnderGitHubsLimit() async throws {
        let cli = try CLI()
        func reactions(_ host: String) -> String {
            "\"services\": [{\"name\": \"shopping-cart\", \"aliases\": [\"shopping_cart\"]}], \"endpoints\": [{\"name\": \"ci-deploys\", \"kind\": \"deploy\"}],\n"
                + "\"reactions\": [\n" + (0..<1000).map { i in
                    #"{"name": "reaction-\#(i)", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Nowhere"}}, "then": {"http": {"url": "https://\#(host)/hooks/\#(i)", "body": {"text": "deploy \#(i) of #{deploy.service}"}}}}"#
                }.joined(separator: ",\n") + "\n]"
        }
        try cli.writeConfig(reactions("old.example.com"))
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"])
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        for i in 0..<5 { #expect(try await server.request("POST", path, body: deployBody(dedup: "d\(i)")).status == 202) }
        _ = server.stop()
        try cli.writeConfig(reactions("new.example.com"))
        let a = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "1d", "--format", "markdown"])
        let b = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--replay", "1d", "--format", "markdown"])
        #expect(a.code == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout, "truncation must be deterministic")
        #expect(a.stdout.utf8.count < 65_536, "\(a.stdout.utf8.count) bytes")
        #expect(a.stdout.contains("#### Replay against the last 24 hours, 6 events: no reaction changes behaviour"), "\(a.stdout.suffix(3000))")
        #expect(a.stdout.contains("more reactions left out to stay under GitHub's size limit"))
    }
}
