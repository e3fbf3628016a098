import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client that sends exactly the bytes it is given.
/// Used from one thread at a time, or (in the flood test) one sending and one receiving.
public final class RawClient: @unchecked Sendable {
    public let fd: Int32

    public init(port: Int, receiveTimeoutMilliseconds: Int = 3000) throws {
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

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `count` complete responses arrived, the peer closed, or the timeout hit.
    public func readResponses(_ count: Int) -> [String] {
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
    public func readToEnd() -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return String(decoding: data, as: UTF8.self) }
            data.append(contentsOf: buffer[0..<n])
        }
    }

    /// What has arrived so far, without waiting for more.
    public func readAvailable() -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n <= 0 { return String(decoding: data, as: UTF8.self) }
            data.append(contentsOf: buffer[0..<n])
        }
    }

    /// Whether the server closed the connection (a read returns 0).
    public func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    /// Splits a byte stream into complete responses using Content-Length.
    public static func split(_ data: [UInt8]) -> [String] {
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

extension RawClient {
    public func setSendTimeout(milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// One send call; the bytes taken, or -1 (a timeout included).
    public func sendSome(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads responses until `expected` arrived or the stream ends, counting them by status
    /// without keeping them (100,000 responses would not fit a test's patience as strings).
    public func countResponses(_ expected: Int) -> (responses: Int, statuses: [Int: Int]) {
        var statuses: [Int: Int] = [:]
        var responses = 0
        var data: [UInt8] = []
        var index = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while responses < expected {
            data.withUnsafeBufferPointer { bytes in
                // Each complete response in `data`: a status line, fields, CRLFCRLF, a body.
                while let (status, length, bodyStart) = Self.head(bytes, from: index), bytes.count - bodyStart >= length {
                    statuses[status, default: 0] += 1
                    responses += 1
                    index = bodyStart + length
                }
            }
            if index > 1 << 20 {
                data.removeFirst(index)
                index = 0
            }
            if responses >= expected { break }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return (responses, statuses)
    }

    /// The status, Content-Length and body offset of the response head at `start`, if whole.
    static func head(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Int, Int)? {
        guard bytes.count - start > 12 else { return nil }
        var status = 0
        for k in 9..<12 { status = status * 10 + Int(bytes[start + k]) - 48 }
        var length = 0
        var i = start
        var lineStart = start
        while i + 3 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 {
                if bytes[i + 2] == 13 && bytes[i + 3] == 10 { return (status, length, i + 4) }
                lineStart = i + 2
                // "Content-Length:" (the server writes it in this case).
                if bytes.count - lineStart > 16 && bytes[lineStart] == 67 && bytes[lineStart + 8] == 76 && bytes[lineStart + 14] == 58 {
                    var k = lineStart + 15
                    while k < bytes.count && bytes[k] == 32 { k += 1 }
                    length = 0
                    while k < bytes.count && bytes[k] >= 48 && bytes[k] <= 57 {
                        length = length * 10 + Int(bytes[k]) - 48
                        k += 1
                    }
                }
                i += 2
                continue
            }
            i += 1
        }
        return nil
    }
}
