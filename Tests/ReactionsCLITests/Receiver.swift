import Foundation
import HTTPServer
import Synchronization

/// A loopback HTTP receiver for deliveries: records every request and answers with the
/// statuses a test scripts for it (then 200), optionally with `Retry-After`.
final class Receiver: HTTPHandler, @unchecked Sendable {
    let received = Mutex<[HTTPRequest]>([])
    /// Statuses to answer, in order; when empty, 200.
    let script = Mutex<[Int]>([])
    private var server: HTTPServer?

    var port: Int { server?.port ?? 0 }
    var url: String { "http://127.0.0.1:\(port)" }

    init(answers: [Int] = []) throws {
        script.withLock { $0 = answers }
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 1
        let server = try HTTPServer(configuration: configuration, handler: self)
        server.start()
        self.server = server
    }

    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        received.withLock { $0.append(request) }
        let status = script.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
        respond(.text(HTTPStatus(status, status < 300 ? "OK" : "Error"), status < 300 ? "thanks" : "not now"))
    }

    var requests: [HTTPRequest] { received.withLock { $0 } }

    /// Waits until `count` requests arrived (or the deadline passes) and returns them.
    func wait(for count: Int, seconds: Double = 15) async throws -> [HTTPRequest] {
        let deadline = Date().addingTimeInterval(seconds)
        while requests.count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return requests
    }

    func stop() { server?.shutdown(graceMilliseconds: 200) }
}

/// Polls until `condition` holds or the deadline passes; returns whether it held.
func eventually(seconds: Double = 15, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
