import Foundation
import Testing
import TestSupport

/// Runs the built `reactions` binary as a subprocess, as users and CI do.
struct CLI {
    struct Result: CustomStringConvertible {
        var code: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(code)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    /// Next to the test bundle in `.build/<triple>/<config>/`, or `$REACTIONS_BIN`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["REACTIONS_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("reactions")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/reactions").standardizedFileURL
    }()

    /// A scratch directory for one test: config, state and plan files live here.
    let directory: URL

    /// `state`: a database URI; by default a file in the scratch directory.
    init(state: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.state = state ?? directory.appendingPathComponent("state.db").path
    }

    let state: String
    var config: String { directory.appendingPathComponent("config").path }

    func write(_ path: String, _ content: String) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    /// Writes `config/main.json` as `{"version": 1, <members>}`.
    func writeConfig(_ members: String) throws {
        try write("config/main.json", "{\n\"version\": 1,\n\(members)\n}\n")
    }

    @discardableResult
    /// Runs the binary (or `executable`, for the shell scripts examples ship) with `arguments`.
    /// A process still running after `timeout` seconds is killed (exit 137), so a command
    /// that should fail at once but serves instead fails its test rather than hanging it.
    func run(_ arguments: [String], env: [String: String] = [:], stdin: String? = nil, executable: String? = nil,
             timeout: Double = 300, cwd: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = cwd ?? directory
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path,
                           "REACTIONS_ACTOR": "tester"]
        environment.merge(env) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read before waiting so a full pipe cannot deadlock the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(code: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs under a pseudo-terminal (util-linux `script`), for colour and the "yes" prompt.
    func runOnTTY(_ arguments: [String], env: [String: String] = [:], stdin: String = "") throws -> Result {
        let command = ([Self.binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path,
                           "REACTIONS_ACTOR": "tester", "TERM": "xterm"]
        environment.merge(env) { _, new in new }
        let (code, output) = try runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], stdin: stdin,
                                            cwd: directory, environment: environment)
        return Result(code: code, stdout: output, stderr: "")
    }

    static var hasScript: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/script") }
}

/// A small valid config: a service, a deploy endpoint, a webhook and two reactions.
let sampleConfig = #"""
"services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
"endpoints": [
  {"name": "ci-deploys", "kind": "deploy"},
  {"name": "myget", "kind": "webhook", "path": "/triggers/mygetpackage", "auth": {"api_key": {"secret": "MYGET_HOOK_KEY"}}}
],
"reactions": [
  {"name": "annotate", "when": {"events": ["deploy.succeeded"], "filter": {"service": "shopping-cart"}},
   "then": {"http": {"url": "https://monitor.example.com/api/annotations",
                     "headers": {"Authorization": "Bearer #{secret.MONITOR_TOKEN}"},
                     "body": {"text": "#{deploy.service} #{deploy.deploy_number}"}}}},
  {"name": "release", "when": {"endpoint": "myget"}, "then": {"script": {"path": "scripts/release.sh"}}}
]
"""#
