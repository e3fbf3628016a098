import Foundation
import Testing
import ReactionsCore

/// Secrets never reach config output, plans, plan files, state or logs: proven with a
/// real value in the environment of every command.
@Suite struct SecretsCLITests {
    let secretValue = "sv-9f8e7d6c5b4a-REAL-SECRET-VALUE"

    @Test func secretValuesAppearNowhere() throws {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig + #"""
        ,
        "integrations": [{"name": "nr", "template": "newrelic-deployment",
                          "settings": {"application_id": "42", "api_key": {"secret": "NEW_RELIC_API_KEY"}}}]
        """#)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        try cli.write("secrets/NEW_RELIC_API_KEY", secretValue)
        let env = ["MONITOR_TOKEN": secretValue, "MYGET_HOOK_KEY": secretValue]
        let secretsDir = cli.directory.appendingPathComponent("secrets").path
        let common = ["--config", cli.config, "--state", cli.state, "--secrets-dir", secretsDir]
        let planFile = cli.directory.appendingPathComponent("plan.json").path

        var outputs: [CLI.Result] = []
        outputs.append(try cli.run(["validate", "--config", cli.config], env: env))
        outputs.append(try cli.run(["validate", "--config", cli.config, "--format", "json"], env: env))
        for format in ["text", "markdown", "json"] {
            outputs.append(try cli.run(["plan", "--format", format] + common, env: env))
        }
        outputs.append(try cli.run(["plan", "--out", planFile] + common, env: env))
        outputs.append(try cli.run(["apply", planFile, "--state", cli.state], env: env))
        outputs.append(try cli.run(["state", "show", "--state", cli.state, "--format", "json"], env: env))
        outputs.append(try cli.run(["state", "show", "--state", cli.state], env: env))
        outputs.append(try cli.run(["endpoints", "--state", cli.state, "--format", "json"], env: env))
        for output in outputs {
            #expect(output.code == 0, "\(output)")
            #expect(!output.stdout.contains(secretValue) && !output.stderr.contains(secretValue), "\(output)")
        }
        // The references are there, resolved: no "cannot be resolved" warning when the values exist.
        #expect(outputs[2].stdout.contains("#{secret.MONITOR_TOKEN}"))
        #expect(!outputs[2].stdout.contains("cannot be resolved"))

        for file in [planFile, cli.state, cli.state + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data(secretValue.utf8)) == nil, "\(file) holds the secret value")
        }
    }

    @Test func unresolvableSecretsWarnByNameOnly() throws {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        let plan = try cli.run(["plan", "--config", cli.config, "--state", cli.state], env: ["MONITOR_TOKEN": secretValue])
        #expect(plan.code == 0)
        #expect(plan.stdout.contains("the secret MYGET_HOOK_KEY cannot be resolved here"))
        #expect(!plan.stdout.contains("the secret MONITOR_TOKEN cannot be resolved"))
        #expect(!plan.stdout.contains(secretValue))
    }
}
