import Foundation
import HTTPServer
@_exported import TestSupport
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A handler for server tests: echoes method, path and body; `/slow` answers from another
/// thread after 200 ms, `/async/<n>` after n ms, `/hop` through `RequestContext.onLoop`, and
/// `/small` limits the body to 8 bytes.
struct EchoHandler: HTTPHandler {
    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        head.path == "/small" ? 8 : nil
    }

    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let text = "\(request.method) \(request.head.target) \(request.body.count) \(String(decoding: request.body, as: UTF8.self))"
        let response = HTTPResponse.text(.ok, text)
        if request.path.hasPrefix("/async/"), let ms = Int(request.path.dropFirst(7)) {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms)) { respond(response) }
        } else if request.path == "/hop" {
            // Answered from another thread through `onLoop`: says whether the work ran on the
            // thread that called `handle` (the connection's loop).
            let loop = pthread_self()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) {
                context.onLoop { respond(.text(.ok, "on the loop: \(pthread_equal(loop, pthread_self()) != 0)")) }
            }
        } else if request.path == "/slow" {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { respond(response) }
        } else {
            respond(response)
        }
    }
}

func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration()
    configuration.eventLoops = 2
    configure(&configuration)
    let server = try HTTPServer(configuration: configuration, handler: EchoHandler())
    server.start()
    return server
}

let hasCurl = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
let hasPython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")
