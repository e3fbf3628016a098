import CSystem
import Dispatch
import Foundation
import Synchronization

/// One thread running epoll over its own listener and connections.
///
/// Everything but `handoffs` is confined to the loop's thread. Responses produced on other
/// threads (a group commit, say), and work handed to the loop (`RequestContext.onLoop`),
/// come back through `handoffs` and an eventfd.
///
/// Work on a connection never recurses: a response produced inline by the handler is
/// queued, and `drainWork` answers it and parses the next pipelined request in a loop, so
/// a client pipelining any number of requests costs no stack.
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
    private let workers: WorkerPool
    private let epoll: Int32
    private let wakeFD: Int32
    private var listenFD: Int32
    /// Freed to accept (and refuse) a client when the process is out of descriptors.
    private var reserveFD: Int32
    /// While descriptors are exhausted and the reserve could not be had back, the listener
    /// is left out of epoll until this time, rather than spinning on EMFILE.
    private var acceptResumesAt: UInt64 = 0
    private var connections: [Int32: Connection] = [:]
    private var nextGeneration: UInt64 = 1
    /// What other threads hand this loop, in the order they did.
    private enum Handoff {
        case completion(Completion)
        case work(@Sendable () -> Void)
    }
    private let handoffs = Mutex<[Handoff]>([])
    /// Swapped with `handoffs` to take them all at once, so no work runs under the lock.
    private var taken: [Handoff] = []
    private var takingHandoffs = false
    /// `RequestContext.onLoop` for this loop's requests: made once, not per request.
    private lazy var hop: @Sendable (@escaping @Sendable () -> Void) -> Void = { [weak self] work in self?.execute(work) }
    /// Completions produced on this thread, and connections with input to parse: the
    /// work `drainWork` does iteratively.
    private var ready: [Completion] = []
    private var readyHead = 0
    private var runnable: [Connection] = []
    private var runnableHead = 0
    /// Connections with output queued in this turn: written once at its end, so the
    /// answers to pipelined requests leave in one send, not one each.
    private var unflushed: [Connection] = []
    private var working = false
    /// Connections parsed per call of `drainWork` before the loop polls again, so new
    /// clients are accepted and read while others still have pipelined work.
    private static let turnsPerPoll = 64
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var events = [csys_event](repeating: csys_event(), count: 256)
    private var draining = false
    private var lastSweep: UInt64 = 0
    private var dateCache = HTTPDate()
    /// Set while this loop's thread runs, so `respond` can answer inline.
    private let thread = Mutex<pthread_t?>(nil)

    init(index: Int, listenFD: Int32, configuration: HTTPServerConfiguration, handler: any HTTPHandler, shared: ServerShared,
         workers: WorkerPool) throws(HTTPServerError) {
        self.index = index
        self.listenFD = listenFD
        self.configuration = configuration
        self.handler = handler
        self.shared = shared
        self.workers = workers
        epoll = csys_epoll_create()
        wakeFD = csys_eventfd()
        reserveFD = csys_open_reserve()
        guard epoll >= 0, wakeFD >= 0 else { throw .system("epoll/eventfd", -min(epoll, wakeFD)) }
        guard csys_epoll_add(epoll, listenFD, UInt32(CSYS_IN), Self.listenerToken) == 0,
              csys_epoll_add(epoll, wakeFD, UInt32(CSYS_IN), Self.wakeToken) == 0 else {
            throw .system("epoll_ctl", 0)
        }
    }

    deinit {
        _ = csys_close(epoll)
        _ = csys_close(wakeFD)
        if reserveFD >= 0 { _ = csys_close(reserveFD) }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    // MARK: Running

    func run() {
        thread.withLock { $0 = pthread_self() }
        while true {
            let timeout: Int32 = runnableHead < runnable.count ? 0 : 250
            let count = events.withUnsafeMutableBufferPointer { buffer in
                csys_epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), timeout)
            }
            for i in 0..<Int(max(0, count)) {
                let event = events[i]
                switch event.data {
                case Self.listenerToken: acceptAll()
                case Self.wakeToken:
                    _ = csys_eventfd_drain(wakeFD)
                    takeHandoffs()
                default:
                    guard let connection = connections[Int32(truncatingIfNeeded: event.data)] else { continue }
                    if event.events & UInt32(CSYS_ERR | CSYS_HUP) != 0 && event.events & UInt32(CSYS_IN) == 0 {
                        close(connection)
                        continue
                    }
                    if event.events & UInt32(CSYS_OUT) != 0 { flush(connection) }
                    if event.events & UInt32(CSYS_IN) != 0, connections[connection.fd] === connection { readable(connection) }
                }
                drainWork()
            }
            if count <= 0 { drainWork() }
            let now = Self.now()
            if acceptResumesAt != 0 && now >= acceptResumesAt { resumeAccepting() }
            if now - lastSweep > 200_000_000 {
                lastSweep = now
                sweep(now)
                drainWork()  // also writes what the sweep answered
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

    private static let busyBody = #"{"errors":[{"status":503,"title":"Server Busy","detail":"too many connections; retry later"}]}"#

    private func acceptAll() {
        var peer = [CChar](repeating: 0, count: 64)
        while listenFD >= 0 {
            let fd = csys_accept(listenFD, &peer, Int32(peer.count))
            if fd == -EMFILE || fd == -ENFILE {
                refuseWhileOutOfDescriptors()
                return
            }
            if fd < 0 { return }
            let now = Self.now()
            if shared.connections.add(1, ordering: .relaxed).newValue > shared.maximumConnections {
                shared.connections.subtract(1, ordering: .relaxed)
                refuse(fd)
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

    /// Answers 503 on a socket that will not be served, and closes it.
    ///
    /// Closing a socket whose request was never read makes the kernel reset the connection,
    /// and a reset can reach the client before it reads the 503, which it then never sees.
    /// So the request already received is read and dropped first (one bounded read: the
    /// socket does not block, and what arrives later is the client's to lose).
    private func refuse(_ fd: Int32) {
        let busy = HTTPResponse.json(.serviceUnavailable, Self.busyBody)
        let bytes = busy.serialize(keepAlive: false, minorVersion: 1, date: dateCache.current(), omitBody: false)
        _ = bytes.withUnsafeBytes { csys_write(fd, $0.baseAddress, UInt($0.count)) }
        _ = csys_shutdown_write(fd)
        _ = discard.withUnsafeMutableBytes { csys_read(fd, $0.baseAddress, UInt($0.count)) }
        _ = csys_close(fd)
    }

    /// Where a refused client's request is read to be dropped (only this loop's thread uses it).
    private var discard = [UInt8](repeating: 0, count: 16 * 1024)

    /// Out of descriptors: the pending clients would make the listener readable forever.
    /// Each is accepted on the reserve descriptor's slot and refused; if the reserve cannot
    /// be had back, accepting pauses briefly instead of spinning.
    private func refuseWhileOutOfDescriptors() {
        var peer = [CChar](repeating: 0, count: 64)
        while listenFD >= 0, reserveFD >= 0 {
            _ = csys_close(reserveFD)
            reserveFD = -1
            let fd = csys_accept(listenFD, &peer, Int32(peer.count))
            if fd >= 0 { refuse(fd) }
            reserveFD = csys_open_reserve()
            if fd < 0 && fd != -EMFILE && fd != -ENFILE { return }
        }
        if reserveFD < 0 {
            reserveFD = csys_open_reserve()
            if listenFD >= 0 && acceptResumesAt == 0 {
                _ = csys_epoll_del(epoll, listenFD)
                acceptResumesAt = Self.now() + 100_000_000
            }
        }
    }

    private func resumeAccepting() {
        acceptResumesAt = 0
        if reserveFD < 0 { reserveFD = csys_open_reserve() }
        if listenFD >= 0 { _ = csys_epoll_add(epoll, listenFD, UInt32(CSYS_IN), Self.listenerToken) }
    }

    // MARK: Reading and parsing

    /// Unparsed input a connection may hold while it waits for a response or for its
    /// output to drain. Past it the loop stops reading, so a client pipelining without
    /// waiting cannot make the server buffer without bound; a body longer than this is
    /// still read whole, since the parser takes it out of the input as it arrives.
    private let maximumBufferedInput = 64 * 1024

    /// Whether the loop should read from this connection now.
    private func wantsInput(_ connection: Connection) -> Bool {
        connection.pendingOutputBytes <= configuration.maximumPendingOutputBytes
            && connection.input.count - connection.inputIndex <= maximumBufferedInput
    }

    private func updateInterest(_ connection: Connection) {
        var events = UInt32(CSYS_RDHUP)
        if !connection.readingPaused { events |= UInt32(CSYS_IN) }
        if connection.writeInterest { events |= UInt32(CSYS_OUT) }
        _ = csys_epoll_mod(epoll, connection.fd, events, UInt64(connection.fd))
    }

    /// Pauses or resumes reading as the connection's buffers allow (backpressure).
    private func updateReading(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        let paused = !wantsInput(connection)
        if paused != connection.readingPaused {
            connection.readingPaused = paused
            updateInterest(connection)
        }
    }

    private func readable(_ connection: Connection) {
        // Read at most a bounded amount per wake-up; epoll is level-triggered, so what is
        // left in the socket is read once the buffered input has been parsed.
        while wantsInput(connection) {
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
        schedule(connection)
    }

    /// Queues the connection for `drainWork` to parse what it has buffered, behind the
    /// others already queued.
    private func schedule(_ connection: Connection) {
        guard !connection.scheduled else { return }
        connection.scheduled = true
        runnable.append(connection)
    }

    /// Answers queued completions and parses scheduled connections, round robin, one
    /// request per turn: a client pipelining thousands of requests gets a turn like every
    /// other, and after `turnsPerPoll` the loop polls for new clients and input.
    ///
    /// The only caller of `deliver` and `process`, and never re-entered: a handler that
    /// answers inline only queues its completion, which this loop then takes.
    private func drainWork() {
        guard !working else { return }
        working = true
        defer { working = false }
        var turns = 0
        while true {
            if readyHead < ready.count {
                let completion = ready[readyHead]
                readyHead += 1
                deliver(completion)
                continue
            }
            guard runnableHead < runnable.count, turns < Self.turnsPerPoll else { break }
            let connection = runnable[runnableHead]
            runnableHead += 1
            turns += 1
            connection.scheduled = false
            if connections[connection.fd] === connection { process(connection) }
        }
        ready.removeAll(keepingCapacity: ready.capacity <= 1024)
        readyHead = 0
        for connection in unflushed {
            connection.flushQueued = false
            if connections[connection.fd] === connection { flush(connection) }
        }
        unflushed.removeAll(keepingCapacity: unflushed.capacity <= 1024)
        if runnableHead == runnable.count {
            runnable.removeAll(keepingCapacity: runnable.capacity <= 1024)
            runnableHead = 0
        } else if runnableHead > 1024 {
            runnable.removeFirst(runnableHead)
            runnableHead = 0
        }
    }

    /// Parses and dispatches buffered requests one at a time, so responses keep their
    /// order; stops while a response is awaited or the unsent output is over its bound.
    private func process(_ connection: Connection) {
        defer { updateReading(connection) }
        while !connection.awaitingResponse && !connection.closeAfterFlush
                && connection.pendingOutputBytes <= configuration.maximumPendingOutputBytes {
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
                let context = RequestContext(peer: connection.peer, startedAt: connection.requestStartedAt, hop: hop)
                connection.requestStartedAt = connection.inputIndex < connection.input.count ? Self.now() : 0
                let (fd, generation) = (connection.fd, connection.generation)
                shared.inFlight.add(1, ordering: .relaxed)
                let handler = self.handler
                let respond: @Sendable (HTTPResponse) -> Void = { [weak self] response in
                    self?.complete(Completion(fd: fd, generation: generation, response: response))
                }
                if request.body.count > configuration.inlineBodyBytes {
                    // Work in proportion to a large body (decoding, matching) is never the loop's.
                    workers.submit { handler.handle(request, context: context, respond: respond) }
                } else {
                    handler.handle(request, context: context, respond: respond)
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
        if isOnLoop {
            ready.append(completion)
            // Answers made by handed-off work wait for the one `drainWork` after the hand-offs.
            if !takingHandoffs { drainWork() }
        } else {
            handOff(.completion(completion))
        }
    }

    /// Runs `work` on this loop: now if called on it, else after the loop wakes.
    private func execute(_ work: @escaping @Sendable () -> Void) {
        if isOnLoop { work() } else { handOff(.work(work)) }
    }

    private var isOnLoop: Bool {
        thread.withLock { $0.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    private func handOff(_ handoff: Handoff) {
        // One wake-up per batch: a loop that already has handoffs queued will see this one too.
        let wasEmpty = handoffs.withLock { queue -> Bool in
            let empty = queue.isEmpty
            queue.append(handoff)
            return empty
        }
        if wasEmpty { wake() }
    }

    private func takeHandoffs() {
        takingHandoffs = true
        defer { takingHandoffs = false }
        handoffs.withLock { swap(&$0, &taken) }
        for handoff in taken {
            switch handoff {
            case .completion(let completion): ready.append(completion)
            case .work(let work): work()
            }
        }
        taken.removeAll(keepingCapacity: taken.capacity <= 1024)
    }

    private func deliver(_ completion: Completion) {
        guard let connection = connections[completion.fd], connection.generation == completion.generation,
              connection.awaitingResponse else { return }
        connection.awaitingResponse = false
        respond(completion.response, on: connection)
        // Pick up any request that was pipelined behind it.
        if connections[connection.fd] === connection && !connection.closeAfterFlush { schedule(connection) }
    }

    private func respond(_ response: HTTPResponse, on connection: Connection) {
        let keepAlive = connection.currentKeepAlive && !draining
        let bytes = response.serialize(keepAlive: keepAlive, minorVersion: connection.currentMinorVersion,
                                       date: dateCache.current(), omitBody: connection.currentIsHead)
        if !keepAlive { connection.closeAfterFlush = true }
        enqueue(bytes, on: connection)
    }

    /// Queues bytes to send; `drainWork` writes them at the end of its turn.
    private func enqueue(_ bytes: [UInt8], on connection: Connection) {
        if connection.hasPendingOutput {
            connection.output.append(contentsOf: bytes)
        } else {
            connection.output = bytes
            connection.outputIndex = 0
            connection.lastOutputProgress = Self.now()
        }
        if !connection.flushQueued && !connection.writeInterest {
            connection.flushQueued = true
            unflushed.append(connection)
        }
    }

    private func flush(_ connection: Connection) {
        let wasOverBound = connection.pendingOutputBytes > configuration.maximumPendingOutputBytes
        while connection.hasPendingOutput {
            let n = connection.output.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return csys_write(connection.fd, base + connection.outputIndex, UInt(raw.count - connection.outputIndex))
            }
            if n > 0 {
                connection.outputIndex += n
                connection.lastOutputProgress = Self.now()
                continue
            }
            if n == -Int(EAGAIN) || n == -Int(EWOULDBLOCK) {
                if connection.outputIndex > 64 * 1024 {
                    // Keep the unsent tail only, so a slow reader holds at most its bound.
                    connection.output.removeFirst(connection.outputIndex)
                    connection.outputIndex = 0
                }
                if !connection.writeInterest {
                    connection.writeInterest = true
                    updateInterest(connection)
                }
                if wasOverBound && connection.pendingOutputBytes <= configuration.maximumPendingOutputBytes {
                    schedule(connection)
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
        } else if wasOverBound {
            schedule(connection)
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

    /// Slow requests get 408; idle keep-alive connections are closed, and so are those
    /// whose client has stopped reading what they are sent.
    private func sweep(_ now: UInt64) {
        let requestLimit = configuration.requestTimeoutMilliseconds * 1_000_000
        let idleLimit = configuration.idleTimeoutMilliseconds * 1_000_000
        let writeLimit = configuration.writeTimeoutMilliseconds * 1_000_000
        for connection in Array(connections.values) {
            if connection.hasPendingOutput {
                if now - connection.lastOutputProgress > writeLimit { close(connection) }
                continue
            }
            guard !connection.awaitingResponse else { continue }
            if connection.requestStartedAt != 0 && now - connection.requestStartedAt > requestLimit {
                connection.currentKeepAlive = false
                connection.currentMinorVersion = 1
                connection.currentIsHead = false
                connection.requestStartedAt = 0
                respond(.json(.requestTimeout, #"{"errors":[{"status":408,"title":"Request Timeout","detail":"the request was not received in time"}]}"#), on: connection)
            } else if connection.requestStartedAt == 0 && now - connection.lastActivity > idleLimit {
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
