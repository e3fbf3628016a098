import Foundation
import Testing
import ReactionsCore
@testable import ReactionsRuntime

/// From a script action and an event to the exact invocation, then actually run it.
@Suite struct ScriptInvocationTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-snapshots-\(UUID().uuidString)").path
    static let script = "#!/bin/sh\nprintf '%s\\n' \"$@\"; env | grep -E '^(REACTIONS_|RELEASE_|LANG=|PATH=)' | sort; cat\n"

    func action(interpreter: String? = nil) throws -> (ScriptAction, Config, [String: [UInt8]]) {
        let body = interpreter.map { #""interpreter": "\#($0)", "# } ?? ""
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(Self.script.utf8).write(to: dir.appendingPathComponent("release.sh"))
        try Data(##"""
        {"version": 1,
         "endpoints": [{"name": "myget", "kind": "webhook", "path": "/t/myget", "auth": "none"}],
         "reactions": [{"name": "release", "when": {"endpoint": "myget"},
           "then": {"script": {"path": "release.sh", \##(body)"args": ["#{payload.PackageIdentifier}", "#{query.version}"],
                               "env": {"RELEASE_TOKEN": "#{secret.RELEASE_TOKEN}", "RELEASE_FEED": "#{payload.Feed | upper}"}}}}]}
        """##.utf8).write(to: dir.appendingPathComponent("main.json"))
        let result = ConfigLoader().load(path: dir.path)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        guard case .script(let script)? = result.config.reactions.first?.action else { throw CocoaError(.featureUnsupported) }
        var snapshots: [String: [UInt8]] = [:]
        for content in result.config.scripts.values { snapshots[SHA256.hexDigest(content)] = content }
        return (script, result.config, snapshots)
    }

    let envelope = CloudEvent(id: "evt-1", source: "/endpoints/myget", type: "webhook.received", time: "2019-02-01T13:28:33.000Z", subject: nil,
                              data: .object(["payload": .object(["PackageIdentifier": .string("Shop.Web"), "Feed": .string("shop")]),
                                             "query": .object(["version": .string("1.2.3"), "release-channel": .string("beta")]),
                                             "headers": .object([:])]),
                              endpoint: "myget").envelope

    @Test func buildsTheInvocationDesignPromisesAndRunsIt() throws {
        let (action, config, scripts) = try action()
        let builder = ScriptInvocationBuilder(snapshotDirectory: directory,
                                              secrets: SecretResolver(environment: ["RELEASE_TOKEN": "tok-999"], directory: nil))
        let invocation = try builder.invocation(action, reaction: "release", envelope: envelope, config: config, scripts: scripts,
                                                deliveryID: "dlv-1", attempt: 2, api: (url: "http://127.0.0.1:8080", token: "scoped"))
        #expect(invocation.arguments == ["Shop.Web", "1.2.3"])
        #expect(invocation.environment["REACTIONS_QUERY_RELEASE_CHANNEL"] == "beta")
        #expect(invocation.environment["REACTIONS_EVENT_TYPE"] == "webhook.received")
        #expect(invocation.environment["RELEASE_TOKEN"] == "tok-999", "secrets are resolved at use, in the runtime only")
        #expect(invocation.environment["RELEASE_FEED"] == "SHOP")
        #expect(invocation.environment["REACTIONS_API_TOKEN"] == "scoped")
        #expect(invocation.environment["HOME"] == nil)
        let result = try ScriptRunner().run(invocation)
        let output = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.exitStatus == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        #expect(output.hasPrefix("Shop.Web\n1.2.3\n"))
        #expect(output.contains("REACTIONS_DELIVERY_ID=dlv-1\n"))
        #expect(output.hasSuffix(envelope.compactText), "the event arrives on stdin")
    }

    @Test func snapshotsAreContentAddressedOwnerOnlyAndWrittenOnce() throws {
        let (action, config, scripts) = try action()
        let builder = ScriptInvocationBuilder(snapshotDirectory: directory, secrets: SecretResolver(environment: [:], directory: nil))
        let first = try builder.invocation(action, reaction: "release", envelope: envelope, config: config, scripts: scripts, deliveryID: "a", attempt: 1)
        let second = try builder.invocation(action, reaction: "release", envelope: envelope, config: config, scripts: scripts, deliveryID: "b", attempt: 1)
        #expect(first.executable == second.executable)
        #expect(first.executable.hasSuffix(action.contentSHA256 ?? "?"))
        let attributes = try FileManager.default.attributesOfItem(atPath: first.executable)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.executable)) == Data(Self.script.utf8))
        #expect(throws: ScriptInvocationBuilder.Failure.missingSnapshot("release.sh")) {
            try builder.invocation(action, reaction: "release", envelope: envelope, config: config, scripts: [:], deliveryID: "c", attempt: 1)
        }
    }

    @Test func interpretersAreResolvedOnThePath() throws {
        let (action, config, scripts) = try action(interpreter: "sh")
        let builder = ScriptInvocationBuilder(snapshotDirectory: directory, secrets: SecretResolver(environment: [:], directory: nil))
        let invocation = try builder.invocation(action, reaction: "release", envelope: envelope, config: config, scripts: scripts, deliveryID: "a", attempt: 1)
        #expect(invocation.executable == "/usr/bin/sh" || invocation.executable == "/bin/sh")
        #expect(invocation.arguments.first?.hasPrefix(directory) == true)
        #expect(try ScriptRunner().run(invocation).exitStatus == 0)
        #expect(throws: ScriptInvocationBuilder.Failure.interpreterNotFound("no-such-interpreter")) { try ScriptInvocationBuilder.resolve("no-such-interpreter") }
    }
}
