import Foundation
import Synchronization
import Testing
@testable import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// Clients that try to crash, stall or exhaust the server (issue 11), over real sockets.
/// Each test here failed against the server before the fix it names.
@Suite struct HostileClientTests {
    /// Answers at once on the loop thread (the kind of route that used to recurse), counts
    /// what it handled, and holds requests to `/hold` with a big body until released.
    final class CountingHandler: HTTPHandler, @unchecked Sendable {
        let handled = Atomic<Int>(0)
        let release = DispatchSemaphore(value: 0)
        let held = Atomic<Bool>(false)

        func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
            handled.add(1, ordering: .relaxed)
            if request.path == "/hold" {
                held.store(true, ordering: .releasing)
                release.wait()
            }
            if request.path == "/async" {
                DispatchQueue.global().async { respond(.text(.ok, "ok")) }
                return
            }
            respond(.text(.ok, "ok"))
        }
    }

    func start(_ handler: CountingHandler, _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 1
        configure(&configuration)
        let server = try HTTPServer(configuration: configuration, handler: handler)
        server.start()
        return server
    }

    /// Defect 1: ~435 pipelined requests answered inline crashed the process (a recursion
    /// per buffered request on the loop's 1 MiB stack). 100,000 in one write now, for each
    /// way a handler may answer: inline on the loop, later from another thread, or on a
    /// worker (a body over the inline limit).
    @Test(arguments: ["inline", "async", "worker"])
    func oneHundredThousandPipelinedRequestsInOneWrite(kind: String) async throws {
        try await offThePool { try self.pipelined(kind) }
    }

    func pipelined(_ kind: String) throws {
        let handler = CountingHandler()
        let server = try start(handler) { $0.inlineBodyBytes = 1 }
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port, receiveTimeoutMilliseconds: 20_000)
        let request = Array((kind == "worker" ? "POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                                              : "GET /\(kind) HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(request.count * 100_000)
        for _ in 0..<100_000 { bytes += request }
        let all = bytes
        let sender = Thread { client.send(all) }
        sender.start()
        let counted = client.countResponses(100_000)
        #expect(counted.responses == 100_000)
        #expect(counted.statuses == [200: 100_000])
        #expect(handler.handled.load(ordering: .relaxed) == 100_000)
    }

    /// Defect 2: a client that sends but never reads made replies pile up without limit.
    /// The server stops reading it once its unsent output passes the bound, and closes it
    /// when its output makes no progress for the write timeout.
    @Test func aClientThatNeverReadsIsHeldBackThenClosed() async throws {
        try await offThePool { try self.aClientThatNeverReadsIsHeldBackThenClosedBody() }
    }

    func aClientThatNeverReadsIsHeldBackThenClosedBody() throws {
        let handler = CountingHandler()
        // On a loaded machine the kernel's socket buffers may take every reply before the
        // client stops sending; the connection is then idle rather than stuck, or (when the
        // client's last send ended inside a request) holds half a request, so the idle and
        // request timeouts are as short as the write timeout and any of them closes it.
        let server = try start(handler) {
            $0.writeTimeoutMilliseconds = 600
            $0.idleTimeoutMilliseconds = 600
            $0.requestTimeoutMilliseconds = 600
        }
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port)
        client.setSendTimeout(milliseconds: 200)
        let request = Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        var bytes: [UInt8] = []
        for _ in 0..<2_000 { bytes += request }
        // Far more than fits in the socket buffers: the server must stop taking it.
        var sent = 0
        for _ in 0..<400 {
            let n = client.sendSome(bytes)
            if n <= 0 { break }
            sent += n
        }
        let handled = handler.handled.load(ordering: .relaxed)
        #expect(sent < bytes.count * 400, "the server kept reading a client that does not read")
        // Unsent output is bounded, so requests handled are bounded by what the bound and
        // the kernel's socket buffers hold, whatever was sent.
        #expect(handled < 60_000, "handled \(handled) of \(sent / request.count) sent")
        // No progress for the write timeout: closed.
        // (While another suite floods its own server, the kernel keeps taking this client's
        // replies in small steps for a while, and each step is progress: closed after 5.3 s
        // then, on a 2-core box. Stuck would be never.)
        let deadline = Date().addingTimeInterval(15)
        while server.connectionCount > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(server.connectionCount == 0)
    }

    /// The same client, reading after all: every response arrives, in order, none lost to
    /// the backpressure.
    @Test func backpressureLosesNothingForAClientThatReadsLate() async throws {
        try await offThePool { try self.backpressureLosesNothingForAClientThatReadsLateBody() }
    }

    func backpressureLosesNothingForAClientThatReadsLateBody() throws {
        let handler = CountingHandler()
        let server = try start(handler)
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port, receiveTimeoutMilliseconds: 10_000)
        let request = Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        var bytes: [UInt8] = []
        for _ in 0..<30_000 { bytes += request }
        let all = bytes
        let sender = Thread { client.send(all) }
        sender.start()
        Thread.sleep(forTimeInterval: 0.5)
        #expect(handler.handled.load(ordering: .relaxed) < 30_000, "backpressure: not everything is answered before the client reads")
        #expect(client.countResponses(30_000).responses == 30_000)
    }

    /// Risk: garbage or a bare-LF request line waited for the 10 s request timeout.
    @Test(arguments: ["\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}", "GET / HTTP/1.1\nHost: x\n\n", "GET /\n",
                      "GE\u{7f}T / HTTP/1.1\r\n", "GET / HTTP/1.1\rX", "GET /a b HTTP/1.1\r\n", "GET / HTTQ/1.1\r\n"])
    func garbageIsRefusedAtOnce(_ text: String) throws {
        let handler = CountingHandler()
        let server = try start(handler) { $0.requestTimeoutMilliseconds = 10_000 }
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port, receiveTimeoutMilliseconds: 2_000)
        client.send(text)
        let reply = client.readToEnd()
        #expect(reply.hasPrefix("HTTP/1.1 400 "), "\(reply.debugDescription)")
        #expect(handler.handled.load(ordering: .relaxed) == 0)
    }

    /// Defect 3's class: work in proportion to a body never runs on an event loop. With one
    /// loop, a large request held by its handler does not stop another client being answered.
    @Test func largeBodiesAreHandledOffTheLoop() async throws {
        try await offThePool { try self.largeBodiesAreHandledOffTheLoopBody() }
    }

    func largeBodiesAreHandledOffTheLoopBody() throws {
        let handler = CountingHandler()
        let server = try start(handler) { $0.inlineBodyBytes = 1024 }
        defer { server.shutdown(graceMilliseconds: 1000) }
        let big = try RawClient(port: server.port, receiveTimeoutMilliseconds: 5_000)
        big.send("POST /hold HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + String(repeating: "a", count: 4096))
        let deadline = Date().addingTimeInterval(5)
        while !handler.held.load(ordering: .acquiring) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let held = handler.held.load(ordering: .acquiring)
        #expect(held)
        // Held on a worker: the only loop is free to answer someone else.
        let small = try RawClient(port: server.port, receiveTimeoutMilliseconds: 2_000)
        small.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(small.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true)
        handler.release.signal()
        #expect(big.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true)
    }

    @Test func theConnectionCapLeavesDescriptorsToTheRestOfTheProcess() {
        #expect(HTTPServer.connectionCap(10_000, descriptors: 256) == 224)
        #expect(HTTPServer.connectionCap(10_000, descriptors: 1_048_576) == 10_000)
        #expect(HTTPServer.connectionCap(10_000, descriptors: 20) == 1)
        #expect(HTTPServer.connectionCap(10_000, descriptors: -1) == 10_000)
    }
}
