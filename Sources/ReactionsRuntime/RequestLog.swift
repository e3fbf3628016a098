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
        var members: [JSON.Member] = [
            .init("time", .string(DeployTime.now())), .init("level", .string("info")), .init("msg", .string("request")),
            .init("method", .string(method)), .init("route", .string(route)),
        ]
        if let endpoint { members.append(.init("endpoint", .string(endpoint))) }
        members += [.init("status", .int(status)), .init("duration_ms", .decimal(milliseconds, places: 3)),
                    .init("bytes", .int(bytes)), .init("peer", .string(peer))]
        append(JSON.object(members).compactText)
    }

    func event(_ message: String, _ fields: KeyValuePairs<String, JSON> = [:], level: String = "info") {
        var members: [JSON.Member] = [.init("time", .string(DeployTime.now())), .init("level", .string(level)), .init("msg", .string(message))]
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
