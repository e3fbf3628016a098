import Foundation
import Testing
@testable import ReactionsRuntime

@Suite struct ScriptRunnerTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-scripts-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func script(_ body: String) throws -> String {
        let url = directory.appendingPathComponent("s-\(UUID().uuidString).sh")
        try Data(("#!/bin/sh\n" + body).utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
        return url.path
    }

    func invocation(_ path: String, _ args: [String] = [], env: [String: String] = [:], stdin: String = "", timeout: Int = 5000) -> ScriptRunner.Invocation {
        ScriptRunner.Invocation(executable: path, arguments: args, environment: ["PATH": "/usr/bin:/bin"].merging(env) { _, new in new },
                                stdin: Array(stdin.utf8), timeoutMilliseconds: timeout)
    }

    @Test func argumentsArriveLiterallyWithACleanEnvironmentAndStdin() throws {
        let path = try script(#"for a in "$@"; do printf '[%s]' "$a"; done; echo; env | sort; echo ---; cat"#)
        let hostile = "$(touch /tmp/reactions-pwned); `id` && rm -rf ~ | x > y"
        let result = try ScriptRunner().run(invocation(path, ["plain", "two words", hostile], env: ["REACTIONS_EVENT_TYPE": "deploy.succeeded"],
                                                       stdin: #"{"type":"deploy.succeeded"}"#))
        #expect(result.exitStatus == 0 && !result.timedOut)
        let text = String(decoding: result.stdout, as: UTF8.self)
        #expect(text.hasPrefix("[plain][two words][\(hostile)]\n"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/reactions-pwned"))
        let env = text.components(separatedBy: "\n").drop(while: { !$0.hasPrefix("PATH=") && !$0.hasPrefix("PWD=") && !$0.hasPrefix("REACTIONS_") }).prefix { $0 != "---" }
        #expect(env.contains("REACTIONS_EVENT_TYPE=deploy.succeeded"))
        #expect(!env.contains { $0.hasPrefix("HOME=") }, "nothing is inherited: \(env)")
        #expect(text.hasSuffix("---\n{\"type\":\"deploy.succeeded\"}"))
    }

    @Test func scriptsInheritNoDescriptorBeyondTheirStandardThree() throws {
        // An inheritable descriptor of the server (a socket or the state file, say).
        let marker = directory.appendingPathComponent("server-descriptor-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: marker, contents: nil))
        let leaked = open(marker, O_RDONLY)
        #expect(leaked > 2)
        defer { close(leaked) }
        let result = try ScriptRunner().run(invocation(try script("ls -l /proc/$$/fd")))
        let listing = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.exitStatus == 0 && listing.contains(" 0 -> ") && listing.contains(" 2 -> "), "\(listing)")
        #expect(!listing.contains("server-descriptor-"), "a server descriptor leaked into the script:\n\(listing)")
    }

    @Test func exitStatusAndStderr() throws {
        let result = try ScriptRunner().run(invocation(try script("echo oops >&2; exit 3")))
        #expect(result.exitStatus == 3)
        #expect(!result.succeeded)
        #expect(String(decoding: result.stderr, as: UTF8.self) == "oops\n")
    }

    @Test func aTimeoutEndsTheScriptAndEverythingItStarted() throws {
        let marker = directory.appendingPathComponent("child.pid").path
        let path = try script("sleep 30 & echo $! > \(marker); sleep 30")
        let started = Date()
        let result = try ScriptRunner().run(invocation(path, timeout: 300))
        #expect(result.timedOut)
        #expect(result.signal == SIGTERM)
        #expect(Date().timeIntervalSince(started) < 4)
        let child = Int32((try? String(contentsOfFile: marker, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(child > 0)
        // Gone, or a zombie waiting for PID 1 to reap it (kill(pid, 0) succeeds on those).
        func alive() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8) else { return false }
            let state = stat.split(separator: ")").last?.split(separator: " ").first
            return state != "Z" && state != "X"
        }
        let deadline = Date().addingTimeInterval(2)
        while alive() && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(!alive(), "the background child must be gone too")
    }

    @Test func aScriptIgnoringSIGTERMIsKilledAfterTheGracePeriod() throws {
        var run = invocation(try script("trap '' TERM; while true; do sleep 1; done"), timeout: 200)
        run.graceMilliseconds = 200
        let result = try ScriptRunner().run(run)
        #expect(result.timedOut)
        #expect(result.signal == SIGKILL)
        #expect(result.milliseconds < 3000)
    }

    @Test func outputIsCapped() throws {
        var run = invocation(try script("head -c 200000 /dev/zero | tr '\\\\0' x"))
        run.outputLimit = 1000
        let result = try ScriptRunner().run(run)
        #expect(result.exitStatus == 0)
        #expect(result.stdout.count == 1000)
        #expect(result.truncated)
    }

    @Test func aMissingProgramIsAClearError() {
        #expect(throws: ScriptRunner.Failure.self) { try ScriptRunner().run(invocation("/nonexistent/program")) }
    }
}
