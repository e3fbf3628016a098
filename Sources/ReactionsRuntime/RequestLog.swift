import Foundation
import ReactionsCore
import Synchronization

/// One JSON line per request, to stderr, buffered and flushed every 100 ms so logging does
/// not cost a system call per request. Lines never carry query strings (they may hold API
/// keys), bodies, or deploy endpoint ids (the id is the endpoint's credential).
final class RequestLog: Sendable {
    private let buffer = Mutex<[UInt8]>([])
    private let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
        guard enabled else { return }
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                self.flush()
            }
        }
        thread.name = "request-log"
        thread.start()
    }

    func request(method: String, route: String, endpoint: String?, status: Int, milliseconds: Double, bytes: Int, peer: String) {
        guard enabled else { return }
        let line = Self.line(time: Timestamp.now(), method: method, route: route, endpoint: endpoint, status: status,
                             milliseconds: milliseconds, bytes: bytes, peer: peer)
        buffer.withLock { $0.append(contentsOf: line) }
    }

    /// One request's line, written without building a JSON tree: this runs for every request.
    static func line(time: String, method: String, route: String, endpoint: String?, status: Int, milliseconds: Double, bytes: Int,
                     peer: String) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(220)
        line.append(contentsOf: #"{"time":""#.utf8)
        line.append(contentsOf: time.utf8)
        line.append(contentsOf: #"","level":"info","msg":"request","method":"#.utf8)
        JSONWriter.writeString(method, into: &line)
        line.append(contentsOf: #","route":"#.utf8)
        JSONWriter.writeString(route, into: &line)
        if let endpoint {
            line.append(contentsOf: #","endpoint":"#.utf8)
            JSONWriter.writeString(endpoint, into: &line)
        }
        // Numbers as their own small strings (no allocation), never interpolated into a
        // longer one, which allocated twice a line.
        line.append(contentsOf: #","status":"#.utf8)
        line.append(contentsOf: String(status).utf8)
        line.append(contentsOf: #","duration_ms":"#.utf8)
        // Three decimals by integer arithmetic: `String(format:)` costs more than the rest of the line.
        let micros = max(0, Int((milliseconds * 1000).rounded()))
        let fraction = micros % 1000
        line.append(contentsOf: String(micros / 1000).utf8)
        line.append(UInt8(ascii: "."))
        if fraction < 100 { line.append(UInt8(ascii: "0")) }
        if fraction < 10 { line.append(UInt8(ascii: "0")) }
        line.append(contentsOf: String(fraction).utf8)
        line.append(contentsOf: #","bytes":"#.utf8)
        line.append(contentsOf: String(bytes).utf8)
        line.append(contentsOf: #","peer":"#.utf8)
        JSONWriter.writeString(peer, into: &line)
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    func event(_ message: String, _ fields: KeyValuePairs<String, JSON> = [:], level: String = "info") {
        var members: [JSON.Member] = [.init("time", .string(Timestamp.now())), .init("level", .string(level)), .init("msg", .string(message))]
        members += fields.map { JSON.Member($0.key, $0.value) }
        append(JSON.object(members).compactText)
        if !enabled { flush() }
    }

    private func append(_ line: String) {
        buffer.withLock {
            $0.append(contentsOf: line.utf8)
            $0.append(10)
        }
    }

    func flush() {
        let bytes = buffer.withLock { b -> [UInt8] in
            let out = b
            b.removeAll(keepingCapacity: true)
            return out
        }
        if !bytes.isEmpty { FileHandle.standardError.write(Data(bytes)) }
    }
}
