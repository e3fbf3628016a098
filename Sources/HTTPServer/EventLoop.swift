import CSystem
import Dispatch
import Foundation
import Synchronization

/// One thread running epoll over its own listener and connections.
///
/// Everything but `completions` is confined to the loop's thread. Responses produced on
/// other threads (a group commit, say) come back through `completions` and an eventfd.
final class EventLoop: @unchecked Sendable {
    struct Completion {
        var fd: Int32
        var generation: UInt64
        var response: HTTPResponse
    }

    private static let listenerToken: UInt64 = .max
    private static let wakeToken: UInt64 = .max - 1

    let index: Int
    private let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let shared: ServerShared
    private let epoll: Int32
    private let wakeFD: Int32
    private var listenFD: Int32
    private var connections: [Int32: Connection] = [:]
    private var nextGeneration: UInt64 = 1
    private let completions = Mutex<[Completion]>([])
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var events = [csys_event](repeating: csys_event(), count: 256)
    private var draining = false
    private var lastSweep: UInt64 = 0
    private var dateCache = HTTPDate()
    /// Set while this loop's thread runs, so `respond` can answer inline.
    private let thread = Mutex<pthread_t?>(nil)

    init(index: Int, listenFD: Int32, configuration: HTTPServerConfiguration, handler: any HTTPHandler, shared: ServerShared) throws(HTTPServerError) {
        self.index = index
        self.listenFD = listenFD
        self.configuration = configuration
        self.handler = handler
        self.shared = shared
        epoll = csys_epoll_create()
        wakeFD = csys_eventfd()
        guard epoll >= 0, wakeFD >= 0 else { throw .system("epoll/eventfd", -min(epoll, wakeFD)) }
        guard csys_epoll_add(epoll, listenFD, UInt32(CSYS_IN), Self.listenerToken) == 0,
              csys_epoll_add(epoll, wakeFD, UInt32(CSYS_IN), Self.wakeToken) == 0 else {
            throw .system("epoll_ctl", 0)
        }
    }

    deinit {
        _ = csys_close(epoll)
        _ = csys_close(wakeFD)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    // MARK: Running

    func run() {
        thread.withLock { $0 = pthread_self() }
        while true {
            let count = events.withUnsafeMutableBufferPointer { buffer in
                csys_epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), 250)
            }
            if count < 0 { continue }
            for i in 0..<Int(count) {
                let event = events[i]
                switch event.data {
                case Self.listenerToken: acceptAll()
                case Self.wakeToken:
                    _ = csys_eventfd_drain(wakeFD)
                    runCompletions()
                default:
                    guard let connection = connections[Int32(truncatingIfNeeded: event.data)] else { continue }
                    if event.events & UInt32(CSYS_ERR | CSYS_HUP) != 0 && event.events & UInt32(CSYS_IN) == 0 {
                        close(connection)
                        continue
                    }
                    if event.events & UInt32(CSYS_OUT) != 0 { flush(connection) }
                    if event.events & UInt32(CSYS_IN) != 0, connections[connection.fd] === connection { readable(connection) }
                }
            }
            let now = Self.now()
            if now - lastSweep > 200_000_000 {
                lastSweep = now
                sweep(now)
            }
            if shared.stopping.load(ordering: .acquiring) {
                if !draining { beginDrain() }
                if connections.isEmpty || now > shared.drainDeadline.load(ordering: .acquiring) {
                    for connection in Array(connections.values) { close(connection) }
                    return
                }
            }
        }
    }

    func wake() { _ = csys_eventfd_signal(wakeFD) }

    /// Releases the listener of a loop that will never run (server start-up failed).
    func closeListener() {
        if listenFD >= 0 {
            _ = csys_close(listenFD)
            listenFD = -1
        }
    }

    private func beginDrain() {
        draining = true
        if listenFD >= 0 {
            _ = csys_epoll_del(epoll, listenFD)
            _ = csys_close(listenFD)
            listenFD = -1
        }
        // Idle keep-alive connections go now; busy ones finish their request first.
        for connection in Array(connections.values) where !connection.awaitingResponse && connection.parser.isIdle && !connection.hasPendingOutput {
            close(connection)
        }
    }

    // MARK: Accepting

    private func acceptAll() {
        var peer = [CChar](repeating: 0, count: 64)
        while true {
            let fd = csys_accept(listenFD, &peer, Int32(peer.count))
            if fd < 0 { return }
            let now = Self.now()
            if shared.connections.add(1, ordering: .relaxed).newValue > configuration.maxConnections {
                shared.connections.subtract(1, ordering: .relaxed)
                let busy = HTTPResponse.json(.serviceUnavailable, #"{"errors":[{"status":503,"title":"Server Busy","detail":"too many connections; retry later"}]}"#)
                let bytes = busy.serialize(keepAlive: false, minorVersion: 1, date: dateCache.current(), omitBody: false)
                _ = bytes.withUnsafeBytes { csys_write(fd, $0.baseAddress, UInt($0.count)) }
                _ = csys_close(fd)
                continue
            }
            let peerName = String(decoding: peer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let connection = Connection(fd: fd, generation: nextGeneration, peer: peerName,
                                        limits: configuration.limits, now: now)
            nextGeneration += 1
            connections[fd] = connection
            if csys_epoll_add(epoll, fd, UInt32(CSYS_IN | CSYS_RDHUP), UInt64(fd)) != 0 { close(connection) }
        }
    }

    // MARK: Reading and parsing

    /// Input a connection may buffer behind a request the handler is still answering:
    /// a whole request's worth. Past it the loop stops reading, so a client pipelining
    /// without waiting cannot make the server buffer without bound.
    private var maximumBufferedInput: Int { configuration.limits.headerBytes + configuration.limits.bodyBytes + 64 * 1024 }

    private func updateInterest(_ connection: Connection) {
        var events = UInt32(CSYS_RDHUP)
        if !connection.readingPaused { events |= UInt32(CSYS_IN) }
        if connection.writeInterest { events |= UInt32(CSYS_OUT) }
        _ = csys_epoll_mod(epoll, connection.fd, events, UInt64(connection.fd))
    }

    private func readable(_ connection: Connection) {
        if connection.awaitingResponse && connection.input.count - connection.inputIndex > maximumBufferedInput {
            connection.readingPaused = true
            updateInterest(connection)
            return
        }
        while true {
            let n = scratch.withUnsafeMutableBytes { csys_read(connection.fd, $0.baseAddress, UInt($0.count)) }
            if n > 0 {
                let now = Self.now()
                if connection.requestStartedAt == 0 { connection.requestStartedAt = now }
                connection.lastActivity = now
                connection.input.append(contentsOf: scratch[0..<n])
                if n < scratch.count { break }
                continue
            }
            if n == 0 || (n != -Int(EAGAIN) && n != -Int(EWOULDBLOCK)) {
                // The peer closed (or failed). A request still being answered is dropped with it.
                close(connection)
                return
            }
            break
        }
        process(connection)
    }

    /// Parses and dispatches buffered requests one at a time, so responses keep their order.
    private func process(_ connection: Connection) {
        while !connection.awaitingResponse && !connection.closeAfterFlush {
            switch connection.parser.parse(connection.input, from: &connection.inputIndex) {
            case .needMoreData:
                connection.compactInput()
                if connection.parser.isIdle && connection.inputIndex == connection.input.count { connection.requestStartedAt = 0 }
                return
            case .head(let head):
                let limit = handler.bodyLimit(for: head) ?? configuration.limits.bodyBytes
                connection.parser.bodyLimit = limit
                if head.expectsContinue, (head.contentLength ?? 0) <= limit,
                   connection.inputIndex == connection.input.count {
                    enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), on: connection)
                }
            case .request(let request):
                connection.awaitingResponse = true
                connection.currentKeepAlive = request.head.keepAlive && !draining
                connection.currentMinorVersion = request.head.minorVersion
                connection.currentIsHead = request.method == "HEAD"
                let context = RequestContext(peer: connection.peer, startedAt: connection.requestStartedAt)
                connection.requestStartedAt = connection.inputIndex < connection.input.count ? Self.now() : 0
                let (fd, generation) = (connection.fd, connection.generation)
                shared.inFlight.add(1, ordering: .relaxed)
                handler.handle(request, context: context) { [weak self] response in
                    self?.complete(Completion(fd: fd, generation: generation, response: response))
                }
            case .failure(let error):
                let body = #"{"errors":[{"status":\#(error.status.code),"title":"\#(error.status.reason)","detail":"\#(error.reason)"}]}"#
                connection.currentKeepAlive = false
                connection.currentMinorVersion = 1
                connection.currentIsHead = false
                respond(HTTPResponse.json(error.status, body), on: connection)
                return
            }
        }
    }

    // MARK: Responding

    /// Called by the handler, from any thread, exactly once per request.
    private func complete(_ completion: Completion) {
        shared.inFlight.subtract(1, ordering: .relaxed)
        let onLoop = thread.withLock { $0.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
        if onLoop {
            deliver(completion)
        } else {
            // One wake-up per batch: a loop that already has completions queued will see this one too.
            let wasEmpty = completions.withLock { queue -> Bool in
                let empty = queue.isEmpty
                queue.append(completion)
                return empty
            }
            if wasEmpty { wake() }
        }
    }

    private func runCompletions() {
        let ready = completions.withLock { queue -> [Completion] in
            let items = queue
            queue.removeAll(keepingCapacity: true)
            return items
        }
        for completion in ready { deliver(completion) }
    }

    private func deliver(_ completion: Completion) {
        guard let connection = connections[completion.fd], connection.generation == completion.generation,
              connection.awaitingResponse else { return }
        connection.awaitingResponse = false
        respond(completion.response, on: connection)
        // Answered asynchronously: pick up any request that was pipelined behind it.
        if connections[connection.fd] === connection && !connection.closeAfterFlush && !connection.awaitingResponse {
            process(connection)
            if connection.readingPaused && connections[connection.fd] === connection && !connection.awaitingResponse {
                connection.readingPaused = false
                updateInterest(connection)
            }
        }
    }

    private func respond(_ response: HTTPResponse, on connection: Connection) {
        let keepAlive = connection.currentKeepAlive && !draining
        let bytes = response.serialize(keepAlive: keepAlive, minorVersion: connection.currentMinorVersion,
                                       date: dateCache.current(), omitBody: connection.currentIsHead)
        if !keepAlive { connection.closeAfterFlush = true }
        enqueue(bytes, on: connection)
    }

    private func enqueue(_ bytes: [UInt8], on connection: Connection) {
        if connection.hasPendingOutput {
            connection.output.append(contentsOf: bytes)
        } else {
            connection.output = bytes
            connection.outputIndex = 0
        }
        flush(connection)
    }

    private func flush(_ connection: Connection) {
        while connection.hasPendingOutput {
            let n = connection.output.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return csys_write(connection.fd, base + connection.outputIndex, UInt(raw.count - connection.outputIndex))
            }
            if n > 0 {
                connection.outputIndex += n
                continue
            }
            if n == -Int(EAGAIN) || n == -Int(EWOULDBLOCK) {
                if !connection.writeInterest {
                    connection.writeInterest = true
                    updateInterest(connection)
                }
                return
            }
            close(connection)
            return
        }
        connection.output.removeAll(keepingCapacity: connection.output.capacity <= 64 * 1024)
        connection.outputIndex = 0
        connection.lastActivity = Self.now()
        if connection.writeInterest {
            connection.writeInterest = false
            updateInterest(connection)
        }
        if connection.closeAfterFlush {
            _ = csys_shutdown_write(connection.fd)
            close(connection)
        } else if draining && !connection.awaitingResponse && connection.parser.isIdle {
            close(connection)
        }
    }

    private func close(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        connections[connection.fd] = nil
        _ = csys_epoll_del(epoll, connection.fd)
        _ = csys_close(connection.fd)
        shared.connections.subtract(1, ordering: .relaxed)
    }

    // MARK: Timeouts

    /// Slow requests get 408; idle keep-alive connections are closed.
    private func sweep(_ now: UInt64) {
        let requestLimit = configuration.requestTimeoutMilliseconds * 1_000_000
        let idleLimit = configuration.idleTimeoutMilliseconds * 1_000_000
        for connection in Array(connections.values) where !connection.awaitingResponse {
            if connection.requestStartedAt != 0 && now - connection.requestStartedAt > requestLimit {
                connection.currentKeepAlive = false
                connection.currentMinorVersion = 1
                connection.currentIsHead = false
                connection.requestStartedAt = 0
                respond(.json(.requestTimeout, #"{"errors":[{"status":408,"title":"Request Timeout","detail":"the request was not received in time"}]}"#), on: connection)
            } else if connection.requestStartedAt == 0 && !connection.hasPendingOutput && now - connection.lastActivity > idleLimit {
                close(connection)
            }
        }
    }
}

/// `Date` header text, formatted once per second.
struct HTTPDate {
    private var second: Int = -1
    private var text = ""
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func current() -> String {
        var now = time(nil)
        guard Int(now) != second else { return text }
        second = Int(now)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        text = "\(Self.days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(Self.months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        return text
    }
}
