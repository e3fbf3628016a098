import Foundation
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A handler for server tests: echoes method, path and body; `/slow` answers from another
/// thread after 200 ms, `/async/<n>` after n ms, and `/big` limits the body to 8 bytes.
struct EchoHandler: HTTPHandler {
    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        head.path == "/small" ? 8 : nil
    }

    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let text = "\(request.method) \(request.head.target) \(request.body.count) \(String(decoding: request.body, as: UTF8.self))"
        let response = HTTPResponse.text(.ok, text)
        if request.path.hasPrefix("/async/"), let ms = Int(request.path.dropFirst(7)) {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms)) { respond(response) }
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

/// A blocking TCP client that sends exactly the bytes it is given.
/// Used from one thread at a time, or (in the flood test) one sending and one receiving.
final class RawClient: @unchecked Sendable {
    let fd: Int32

    init(port: Int, receiveTimeoutMilliseconds: Int = 3000) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: receiveTimeoutMilliseconds / 1000, tv_usec: (receiveTimeoutMilliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `count` complete responses arrived, the peer closed, or the timeout hit.
    func readResponses(_ count: Int) -> [String] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let responses = Self.split(data)
            if responses.count >= count { return responses }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return responses }
            data.append(contentsOf: buffer[0..<n])
        }
    }

    /// Everything until the server closes (or the timeout).
    func readToEnd() -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return String(decoding: data, as: UTF8.self) }
            data.append(contentsOf: buffer[0..<n])
        }
    }

    /// Whether the server closed the connection (a read returns 0).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    /// Splits a byte stream into complete responses using Content-Length.
    static func split(_ data: [UInt8]) -> [String] {
        var out: [String] = []
        var rest = data[...]
        while let headEnd = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
            let head = String(decoding: rest[rest.startIndex..<headEnd.lowerBound], as: UTF8.self)
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            guard rest.count - (headEnd.upperBound - rest.startIndex) >= length else { break }
            let end = headEnd.upperBound + length
            out.append(String(decoding: rest[rest.startIndex..<end], as: UTF8.self))
            rest = rest[end...]
        }
        return out
    }
}

/// Runs a program to completion and returns its exit status and output.
func runProgram(_ path: String, _ arguments: [String], stdin: String? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = out
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

let hasCurl = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
let hasPython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")
