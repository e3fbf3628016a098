import Foundation
import Testing
import ReactionsCore
import TestSupport

/// Issue 11, defects 1 and 2, against the built binary: one unauthenticated client
/// pipelining requests it may or may not read must neither crash `serve` nor grow it.
@Suite(.serialized) struct HostilePipelineFloodTests {
    func serve() throws -> (CLI, ServeProcess) {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        return (cli, try ServeProcess(cli, arguments: ["--config", cli.config]))
    }

    /// One request of each kind of route `serve` answers without the writer (so on the
    /// loop thread, where the recursion was): 435 of any of them crashed it.
    func inlineRoutes(deployID: String) -> [(name: String, request: String)] {
        let body = "{}"
        return [
            ("health", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("readiness", "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("metrics", "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("unknown route", "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("webhook without its key", "POST /triggers/mygetpackage HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n\(body)"),
            ("invalid deploy", "POST /integrations/deploy/\(deployID) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n\(body)"),
            ("unknown deploy endpoint", "POST /integrations/deploy/00000000-0000-4000-8000-000000000000 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n\(body)"),
            ("admin API without a token", "GET /api/v1/deploys HTTP/1.1\r\nHost: x\r\n\r\n"),
        ]
    }

    @Test func oneHundredThousandPipelinedRequestsOfEveryKindInOneWrite() async throws {
        try await offThePool { try self.everyKindInOneWrite() }
    }

    func everyKindInOneWrite() throws {
        let (cli, server) = try serve()
        // One route at a time, on one connection: the debug build answers ~30k a second on
        // one loop, and the other core stays free for the rest of the suite.
        for route in inlineRoutes(deployID: try cli.deployEndpointID()) {
            // The status this route answers, asked once, then 100,000 times in one write.
            let probe = try RawClient(port: server.port, receiveTimeoutMilliseconds: 10_000)
            probe.send(route.request)
            let expected = probe.countResponses(1).statuses
            let client = try RawClient(port: server.port, receiveTimeoutMilliseconds: 30_000)
            let bytes = Array(String(repeating: route.request, count: 100_000).utf8)
            let sender = Thread { client.send(bytes) }
            sender.start()
            let counted = client.countResponses(100_000)
            #expect(counted.responses == 100_000, "\(route.name): \(counted.responses) answered")
            #expect(counted.statuses == expected.mapValues { $0 * 100_000 }, "\(route.name)")
            guard server.process.isRunning else {
                Issue.record("\(route.name) crashed serve")
                return
            }
        }
        #expect(server.stop() == 0)
    }

    /// Deploys answered after the group commit, pipelined: every one answered and recorded.
    @Test func pipelinedDeploysAreEachAnsweredAndRecorded() async throws {
        try await offThePool { try self.pipelinedDeploys() }
    }

    func pipelinedDeploys() throws {
        let (cli, server) = try serve()
        let id = try cli.deployEndpointID()
        var text = ""
        for i in 0..<500 {
            let body = deployBody(dedup: "flood-\(i)")
            text += "POST /integrations/deploy/\(id) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let client = try RawClient(port: server.port, receiveTimeoutMilliseconds: 30_000)
        client.send(text)
        #expect(client.countResponses(500).statuses == [202: 500])
        #expect(server.stop() == 0)
        let deploys = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json", "--limit", "1000"]).stdout)
        #expect(deploys.arrayValue?.count == 500)
    }

    /// Defect 2: 60k `GET /metrics` from a client that never reads took RSS from 33 MB to
    /// 235 MB. Under 50 such clients RSS now stays flat: each may hold a bounded amount.
    @Test func residentMemoryStaysFlatUnderFiftyClientsThatNeverRead() async throws {
        try await offThePool { try self.fiftyClientsThatNeverRead() }
    }

    func fiftyClientsThatNeverRead() throws {
        let (_, server) = try serve()
        let pid = server.process.processIdentifier
        // Warm up the allocator and the loops with a client that does read.
        let warm = try RawClient(port: server.port, receiveTimeoutMilliseconds: 10_000)
        warm.send(String(repeating: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", count: 2_000))
        _ = warm.countResponses(2_000)
        let before = try residentKilobytes(pid)
        let request = Array(String(repeating: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", count: 1_000).utf8)
        let clients = try (0..<50).map { _ in try RawClient(port: server.port) }
        for client in clients { client.setSendTimeout(milliseconds: 100) }
        // Each sends until the server stops taking its requests (60 × 1,000 at most each).
        DispatchQueue.concurrentPerform(iterations: clients.count) { i in
            for _ in 0..<60 where clients[i].sendSome(request) > 0 {}
        }
        let after = try residentKilobytes(pid)
        #expect(server.process.isRunning)
        #expect(after - before < 40_000, "RSS \(before) kB → \(after) kB")
        let health = try RawClient(port: server.port)
        health.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(health.countResponses(1).statuses == [200: 1], "still answering others")
        #expect(server.stop() == 0)
    }
}

/// A process's resident set, from /proc.
func residentKilobytes(_ pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}
