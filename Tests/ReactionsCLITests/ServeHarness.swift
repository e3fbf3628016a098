import Foundation
import Synchronization
import Testing
import ReactionsCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `reactions serve` running as a subprocess on an ephemeral port.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let output = LineBuffer()

    final class LineBuffer: Sendable {
        let lines = Mutex<[String]>([])
        /// The server's stderr reached end of file: every line it wrote is in `lines`.
        let finished = Atomic<Bool>(false)
    }

    /// `wrapper` runs the binary under another program (`prlimit --nofile=…`).
    init(_ cli: CLI, arguments: [String], env: [String: String] = [:], wrapper: [String] = []) throws {
        let command = [CLI.binary.path, "serve", "--state", cli.state, "--listen", "127.0.0.1:0"] + arguments
        process.executableURL = URL(fileURLWithPath: wrapper.first ?? CLI.binary.path)
        process.arguments = Array((wrapper + command).dropFirst())
        process.currentDirectoryURL = cli.directory
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": cli.directory.path, "REACTIONS_ACTOR": "tester"]
        environment.merge(env) { _, new in new }
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let collected = output
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                collected.finished.store(true, ordering: .releasing)
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            collected.lines.withLock { $0.append(contentsOf: text.split(separator: "\n").map(String.init)) }
        }
        try process.run()
        var found: Int? = nil
        let deadline = Date().addingTimeInterval(20)
        while found == nil && Date() < deadline && process.isRunning {
            found = collected.lines.withLock { lines in
                lines.lazy.compactMap { line -> Int? in
                    guard let range = line.range(of: "\"address\":\"http://127.0.0.1:") else { return nil }
                    return Int(line[range.upperBound...].prefix { $0.isNumber })
                }.first
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else { throw ServeError.notListening(collected.lines.withLock { $0.joined(separator: "\n") }) }
        port = found
    }

    enum ServeError: Error { case notListening(String) }

    var log: [String] { output.lines.withLock { $0 } }

    func stop(signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        // The exit can be seen before the last of stderr has been read: wait for its end.
        let deadline = Date().addingTimeInterval(5)
        while !output.finished.load(ordering: .acquiring) && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    struct Response {
        var status: Int
        var body: String
        var json: JSON? { try? JSONParser.value(body) }
    }

    func request(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) async throws -> Response {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if body != nil && headers["Content-Type"] == nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }
}

func deployBody(service: String = "shopping_cart", dedup: String? = nil, status: String? = nil, number: String? = nil,
                environment: String = "Production") -> String {
    var members: [String: JSON] = ["service": .string(service), "description": .string("Deployed by CI Pipeline"),
                                   "deployed_at": .string("2019-02-01 13:28:33"), "environment": .string(environment),
                                   "deployer": .object(["email": .string("mscott@example.com"), "name": .string("Michael Scott")]),
                                   "commit": .object(["sha": .string("38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5"), "branch": .string("master")])]
    if let dedup { members["dedup_id"] = .string(dedup) }
    if let status { members["status"] = .string(status) }
    if let number { members["deploy_number"] = .string(number) }
    return JSON.sortedObject(members).compactText
}

extension CLI {
    /// The id of the named deploy endpoint in the applied revision.
    func deployEndpointID(_ name: String = "ci-deploys") throws -> String {
        let json = try JSONParser.value(try run(["endpoints", "--state", state, "--format", "json"]).stdout)
        let url = json.arrayValue?.first { $0["name"] == .string(name) }?["url"]?.stringValue ?? ""
        return String(url.split(separator: "/").last ?? "")
    }
}

/// The smallest deploy-tracking setup: a service (aliased `shopping_cart`, as `deployBody`
/// sends it), one deploy endpoint, and a serve started with `--config`.
struct DeployTracking {
    let cli: CLI
    let server: ServeProcess
    /// The deploy endpoint's path.
    let path: String

    init(_ arguments: [String] = ["--no-request-log"], env: [String: String] = [:]) throws {
        cli = try CLI()
        try cli.writeConfig(#""services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}]"#)
        server = try ServeProcess(cli, arguments: ["--config", cli.config] + arguments, env: env)
        path = "/integrations/deploy/\(try cli.deployEndpointID())"
    }
}
