import Foundation
import HTTPServer
import Synchronization
import Testing

/// Answers with the identity of the loop thread that handled the request (GET requests
/// without a body are handled inline, on the loop).
private struct LoopNameHandler: HTTPHandler {
    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        respond(.text(.ok, String(UInt(pthread_self()))))
    }
}

@Suite struct ListenAddressTests {
    /// Every loop binds with SO_REUSEPORT, which once let a second server join the address
    /// silently and take half the connections (issue 12).
    @Test func aSecondServerOnABusyAddressFailsToStart() throws {
        let first = try startServer()
        defer { first.shutdown(graceMilliseconds: 0) }
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 2
        configuration.port = first.port
        do {
            let second = try HTTPServer(configuration: configuration, handler: EchoHandler())
            second.shutdown(graceMilliseconds: 0)
            Issue.record("a second server started on port \(first.port)")
        } catch {
            #expect(error.description == "127.0.0.1:\(first.port) is already in use by another process: stop it (another `reactions serve`?) or choose another --listen address")
        }
        // The first still answers every connection.
        for _ in 0..<20 {
            let client = try RawClient(port: first.port)
            client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(client.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    /// The loops of one server still share its address: the kernel spreads connections.
    @Test func theLoopsOfOneServerShareTheAddress() throws {
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 2
        let server = try HTTPServer(configuration: configuration, handler: LoopNameHandler())
        server.start()
        defer { server.shutdown(graceMilliseconds: 0) }
        var loops: Set<String> = []
        for _ in 0..<64 {
            let client = try RawClient(port: server.port)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            if let response = client.readResponses(1).first, let body = response.split(separator: "\r\n\r\n").last {
                loops.insert(String(body))
            }
        }
        // 64 connections all hashed to one of two loops: 2 in 2^64.
        #expect(loops.count == 2)
    }
}
