import Foundation
import Testing
import ReactionsCore

@Suite struct TestCommandCLITests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples").standardizedFileURL.path

    @Test func theExamplesOwnFixturesPass() throws {
        let result = try CLI().run(["test", "--config", Self.examples + "/octopus-reactions"])
        #expect(result.code == 0, "\(result)")
        #expect(result.stdout.hasSuffix("3 passed, 0 failed\n"))
    }

    @Test func failuresSayWhatWasExpectedAndWhatHappened() throws {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        try cli.write("config/tests/wrong.test.json", #"""
        {"name": "wrong expectations",
         "deploy": {"service": "shopping_cart", "description": "d", "deployed_at": "2019-02-01 13:28:33", "environment": "Production", "deployer": {"name": "n"}, "deploy_number": "7"},
         "expect": {"fires": ["release"], "does_not_fire": ["annotate"], "actions": {"annotate": {"body": {"text": "shopping_cart 8"}}}}}
        """#)
        try cli.write("config/tests/typo.test.json", #"{"deploy": {"service": "x"}, "expect": {"fires": ["anotate"]}}"#)
        try cli.write("config/tests/broken.test.json", "{")
        try cli.write("config/tests/ok.test.json", #"""
        {"webhook": "myget", "payload": {"PackageIdentifier": "Shop.Web"}, "expect": {"fires": ["release"], "only": true}}
        """#)
        let result = try cli.run(["test", "--config", cli.config])
        #expect(result.code == 1)
        #expect(result.stdout.contains("FAIL wrong expectations"))
        #expect(result.stdout.contains("expected release to fire, but does not listen to deploy.succeeded events from this source"))
        #expect(result.stdout.contains("expected annotate not to fire, but it does"))
        #expect(result.stdout.contains(#"annotate.body.text: expected "shopping_cart 8", got "shopping_cart 7""#))
        #expect(result.stdout.contains("the deploy would be refused with 400"))
        #expect(result.stdout.contains("invalid JSON at 1:2"))
        #expect(result.stdout.contains("PASS tests/ok.test.json"))
        #expect(result.stdout.hasSuffix("1 passed, 3 failed\n"))
        let json = try JSONParser.value(try cli.run(["test", "--config", cli.config, "--format", "json"]).stdout)
        #expect(json["passed"] == .int(1) && json["failed"] == .int(3))
    }

    @Test func noFixturesIsNotAFailure() throws {
        let cli = try CLI()
        try cli.writeConfig(#""services": [{"name": "a"}]"#)
        let result = try cli.run(["test", "--config", cli.config])
        #expect(result.code == 0)
        #expect(result.stdout.contains("No fixtures"))
    }
}
