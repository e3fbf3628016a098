import Foundation
import Testing
import ReactionsCore

/// The example GitOps loop (`examples/gitops`), run by hand: the PR job's commands against a
/// running serve, its comment script against a stand-in `gh`, then the merge job's apply.
@Suite struct GitOpsCLITests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/gitops").standardizedFileURL

    /// A `gh` that records its arguments and answers the comment listing with `$FAKE_COMMENT_ID`.
    func fakeGH(_ cli: CLI) throws -> String {
        let bin = cli.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let gh = bin.appendingPathComponent("gh")
        try Data(#"""
            #!/bin/sh
            echo "$@" >> "$GH_LOG"
            case "$*" in *--jq*) [ -n "${FAKE_COMMENT_ID:-}" ] && echo "$FAKE_COMMENT_ID" ;; esac
            exit 0
            """#.utf8).write(to: gh)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: gh.path)
        return bin.path
    }

    @Test func thePullRequestJobPostsOneCommentAndTheMergeJobAppliesTheReviewedPlan() async throws {
        let cli = try CLI()
        // What main looked like before the pull request: only the checkout service and the endpoint.
        try cli.writeConfig(#""services": [{"name": "checkout", "aliases": ["checkout-api"], "owner": "team-payments"}], "endpoints": [{"name": "ci-deploys", "kind": "deploy", "id": "0b9c2e1a-4f7d-4c59-8e2a-6d3f1b7a9c40"}]"#)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config],
                                      env: ["REACTIONS_PLAN_TOKEN": "plan-t", "REACTIONS_APPLY_TOKEN": "apply-t", "SLACK_DEPLOYS_WEBHOOK_URL": "https://hooks.slack.com/x"])
        defer { _ = server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        let config = Self.example.appendingPathComponent("reactions").path

        // The PR job, step by step.
        #expect(try cli.run(["validate", "--config", config]).code == 0)
        #expect(try cli.run(["test", "--config", config]).code == 0)
        let endpoint = "/integrations/deploy/0b9c2e1a-4f7d-4c59-8e2a-6d3f1b7a9c40"
        for environment in ["Production", "Staging"] {
            let sent = try await server.request("POST", endpoint, body: deployBody(service: "checkout", environment: environment))
            #expect(sent.status == 202, "\(sent.body)")
        }
        let plan = try cli.run(["plan", "--config", config, "--server", url, "--replay", "7d", "--out", "plan.json", "--format", "markdown"],
                               env: ["REACTIONS_TOKEN": "plan-t"])
        #expect(plan.code == 0, "\(plan)")
        try cli.write("plan.md", plan.stdout)
        let lines = plan.stdout.split(separator: "\n")
        #expect(lines.first == "<!-- reactions-plan -->")
        #expect(lines.dropFirst().first == "### reactions plan: 3 to add, 0 to change, 0 to destroy")
        #expect(plan.stdout.utf8.count < 65_536)
        // The replay: the two deploys and serve's own config.applied, against the PR's reactions.
        #expect(plan.stdout.contains("#### Replay against the last 7 days, 3 events:"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("hooks.slack.com"), "the plan holds secret references only")

        // The comment step: a new PR gets a comment; later pushes edit that same comment.
        let script = Self.example.appendingPathComponent(".github/scripts/comment-plan.sh").path
        let env = ["PATH": try fakeGH(cli) + ":/usr/bin:/bin", "GH_LOG": cli.directory.appendingPathComponent("gh.log").path,
                   "GITHUB_REPOSITORY": "acme/deploy-config", "PR_NUMBER": "17"]
        let posted = try cli.run([script, "plan.md"], env: env, executable: "/bin/sh")
        #expect(posted.code == 0 && posted.stdout.contains("posted"), "\(posted)")
        let updated = try cli.run([script, "plan.md"], env: env.merging(["FAKE_COMMENT_ID": "991"]) { _, b in b }, executable: "/bin/sh")
        #expect(updated.code == 0 && updated.stdout.contains("updated the plan comment 991"), "\(updated)")
        let calls = try cli.read("gh.log").split(separator: "\n").map(String.init)
        #expect(calls.contains { $0.hasPrefix("api --method POST repos/acme/deploy-config/issues/17/comments -F body=@plan.md") })
        #expect(calls.contains { $0.hasPrefix("api --method PATCH repos/acme/deploy-config/issues/comments/991 -F body=@plan.md") })
        #expect(calls.filter { $0.contains("--jq") }.allSatisfy { $0.contains("<!-- reactions-plan -->") }, "the script looks for the plan's own marker")
        try cli.write("not-a-plan.md", "hello\n")
        #expect(try cli.run([script, "not-a-plan.md"], env: env, executable: "/bin/sh").code != 0)

        // The merge job: apply exactly the reviewed plan; a second merge of the same plan is stale.
        let applied = try cli.run(["apply", "plan.json", "--server", url], env: ["REACTIONS_TOKEN": "apply-t"])
        #expect(applied.code == 0 && applied.stdout.contains("Revision 2"), "\(applied)")
        let again = try cli.run(["apply", "plan.json", "--server", url], env: ["REACTIONS_TOKEN": "apply-t"])
        #expect(again.code == 1 && again.stderr.contains("stale"))

        // The workflow runs these same commands.
        let workflow = try String(contentsOf: Self.example.appendingPathComponent(".github/workflows/reactions.yml"), encoding: .utf8)
        for command in ["reactions validate --config reactions", "reactions test --config reactions",
                        "reactions plan --config reactions --server", "--replay 7d --out plan.json --format markdown > plan.md",
                        "sh .github/scripts/comment-plan.sh plan.md", "reactions apply plan.json --server"] {
            #expect(workflow.contains(command), "the workflow no longer runs `\(command)`")
        }
    }
}
