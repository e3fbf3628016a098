import Foundation
import Testing
import ReactionsCore

@Suite struct CommandsCLITests {
    static let commands = ["validate", "plan", "apply", "serve", "simulate", "test", "explain", "deploys", "suggestions", "state", "endpoints", "fmt", "migrate", "version", "deliveries", "emit", "integrations"]

    @Test(arguments: commands)
    func everyCommandHasHelp(command: String) throws {
        let cli = try CLI()
        for form in [[command, "--help"], [command, "-h"], ["help", command]] {
            let result = try cli.run(form)
            #expect(result.code == 0, "\(form): \(result)")
            #expect(result.stdout.contains("Usage:\n  reactions \(command)"), "\(form): \(result)")
        }
    }

    @Test func overviewListsEveryCommand() throws {
        let result = try CLI().run(["--help"])
        #expect(result.code == 0)
        for command in Self.commands { #expect(result.stdout.contains("  \(command) ")) }
    }

    @Test func usageErrorsSuggestAndExitOne() throws {
        let cli = try CLI()
        let unknown = try cli.run(["plna"])
        #expect(unknown.code == 1)
        #expect(unknown.stderr.contains("did you mean `plan`?"))
        let option = try cli.run(["plan", "--detailed-exit-code"])
        #expect(option.code == 1)
        #expect(option.stderr.contains("did you mean --detailed-exitcode?"))
        #expect(option.stderr.contains("reactions plan --help"))
        let format = try cli.run(["plan", "--format", "yaml"])
        #expect(format.code == 1)
        #expect(format.stderr.contains("must be one of text, markdown, json"))
    }

    @Test func version() throws {
        let text = try CLI().run(["version"])
        #expect(text.code == 0)
        #expect(text.stdout.hasPrefix("reactions "))
        let json = try JSONParser.value(try CLI().run(["version", "--format", "json"]).stdout)
        #expect(json["config_version"] == .int(1))
        #expect(json["plan_format_version"] == .string("1.0"))
    }

    @Test func validateReportsEveryErrorWithFileLineAndExitCode() throws {
        let cli = try CLI()
        try cli.writeConfig(#""services": [{"name": "Bad"}], "endpoints": [{"name": "w", "kind": "webhook", "path": "/api/x", "auth": "none"}]"#)
        let result = try cli.run(["validate", "--config", cli.config])
        #expect(result.code == 1)
        #expect(result.stderr.contains("main.json:3:23: error: \"Bad\" is not a valid service name"), "\(result)")
        #expect(result.stderr.contains("reserves for its own routes"))
        #expect(result.stderr.contains("2 errors, 1 warning"))
        let json = try JSONParser.value(try cli.run(["validate", "--config", cli.config, "--format", "json"]).stdout)
        #expect(json["valid"] == .bool(false))
        #expect(json["diagnostics"]?.arrayValue?.count == 3)
        try cli.writeConfig(#""services": [{"name": "good"}]"#)
        let ok = try cli.run(["validate", "--config", cli.config])
        #expect(ok.code == 0)
        #expect(ok.stdout.contains("The configuration is valid. 1 service, 0 endpoints"))
        let missing = try cli.run(["validate", "--config", cli.directory.appendingPathComponent("nope").path])
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("does not exist"))
    }

    @Test func fmtRewritesCanonicallyChecksAndLeavesBrokenFilesAlone() throws {
        let cli = try CLI()
        try cli.write("config/a.json", #"{"services": [{"owner": "x", "name": "a"}], "version": 1}"#)
        let check = try cli.run(["fmt", "--config", cli.config, "--check"])
        #expect(check.code == 3)
        #expect(check.stdout == "a.json\n")
        #expect(try cli.read("config/a.json").hasPrefix("{\"services\""), "--check must not write")
        #expect(try cli.run(["fmt", "--config", cli.config]).code == 0)
        let formatted = try cli.read("config/a.json")
        #expect(formatted.hasPrefix("{\n  \"version\": 1,\n  \"services\": [\n    {\n      \"name\": \"a\",\n      \"owner\": \"x\""))
        #expect(try cli.run(["fmt", "--config", cli.config, "--check"]).code == 0)
        #expect(try cli.run(["fmt", "--config", cli.config]).stdout.isEmpty)
        #expect(try cli.read("config/a.json") == formatted)

        try cli.write("config/b.json", "{\"version\": 1,")
        let broken = try cli.run(["fmt", "--config", cli.config])
        #expect(broken.code == 1)
        #expect(broken.stderr.contains("b.json:1:"))
        #expect(try cli.read("config/b.json") == "{\"version\": 1,")
    }

    @Test func migrateLeavesCurrentFilesAndRefusesUnknownVersions() throws {
        let cli = try CLI()
        try cli.write("config/a.json", "{\"version\": 1}\n")
        let ok = try cli.run(["migrate", "--config", cli.config])
        #expect(ok.code == 0)
        #expect(ok.stdout.contains("nothing to migrate"))
        try cli.write("config/b.json", "{\"version\": 7}\n")
        let unknown = try cli.run(["migrate", "--config", cli.config])
        #expect(unknown.code == 1)
        #expect(unknown.stderr.contains("b.json: error: config version 7 is newer than this reactions understands"))
        #expect(try cli.read("config/b.json") == "{\"version\": 7}\n")
    }

    @Test func stateCommandsOnAMissingState() throws {
        let cli = try CLI()
        let show = try cli.run(["state", "show", "--state", cli.state])
        #expect(show.code == 1)
        #expect(show.stderr.contains("there is no state at \(cli.state): check --state (`reactions apply` or `reactions serve` creates it)"))
        #expect(try cli.run(["state", "history", "--state", cli.state]).code == 1)
        let rollback = try cli.run(["state", "rollback", "x", "--state", cli.state])
        #expect(rollback.code == 1)
        #expect(try cli.run(["state", "frobnicate", "--state", cli.state]).code == 1)
        #expect(!FileManager.default.fileExists(atPath: cli.state))
    }
}
