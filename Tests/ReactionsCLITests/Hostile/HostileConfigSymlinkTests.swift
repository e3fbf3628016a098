import Foundation
import Testing

/// Issue 11: a config `.json` that links out of the config directory was loaded, while the
/// same for a script was refused. Both are refused now; links inside it are fine.
@Suite struct HostileConfigSymlinkTests {
    @Test func aDocumentLinkedFromOutsideTheConfigDirectoryIsRefusedLikeAScript() throws {
        let cli = try CLI()
        try cli.writeConfig(#""endpoints": [{"name": "ci-deploys", "kind": "deploy"}]"#)
        try cli.write("outside/extra.json", #"{"version": 1, "services": [{"name": "smuggled"}]}"#)
        try cli.write("config/.shared/inside.json", #"{"version": 1, "services": [{"name": "linked-inside"}]}"#)
        try FileManager.default.createSymbolicLink(atPath: cli.config + "/extra.json", withDestinationPath: cli.directory.path + "/outside/extra.json")
        try FileManager.default.createSymbolicLink(atPath: cli.config + "/alias.json", withDestinationPath: ".shared/inside.json")
        let refused = try cli.run(["validate", "--config", cli.config])
        #expect(refused.code == 1, "\(refused)")
        #expect(refused.stderr.contains("extra.json:1:1: error: the config file extra.json resolves outside the config directory"), "\(refused)")
        #expect(!refused.stderr.contains("alias.json"), "a link inside the directory is fine: \(refused)")
        try FileManager.default.removeItem(atPath: cli.config + "/extra.json")
        let plan = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "json"])
        #expect(plan.code == 0 || plan.code == 2, "\(plan)")
        #expect(!plan.stdout.contains("smuggled") && plan.stdout.contains("linked-inside"))
    }
}
