/// What the server knows about a request besides its bytes.
public struct RequestContext: Sendable {
    /// The peer's IP address.
    public var peer: String
    /// When the request's first byte arrived (monotonic nanoseconds).
    public var startedAt: UInt64
    private let hop: @Sendable (@escaping @Sendable () -> Void) -> Void

    /// For driving a handler without a socket (fuzzing, benchmarks): `onLoop` work runs at once.
    public init(peer: String, startedAt: UInt64) {
        self.init(peer: peer, startedAt: startedAt, hop: { $0() })
    }

    init(peer: String, startedAt: UInt64, hop: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.peer = peer
        self.startedAt = startedAt
        self.hop = hop
    }

    /// Runs `work` on the event loop that serves the request's connection: at once when
    /// called there, otherwise queued to it. A handler whose answer comes from another
    /// thread (a group commit) does the answer's own bookkeeping (logging, metrics) here,
    /// so that thread spends nothing per request on it.
    public func onLoop(_ work: @escaping @Sendable () -> Void) { hop(work) }
}

/// The application behind the server. The server knows nothing of routes or reactions:
/// it asks the handler how large a body may be and hands it complete requests.
public protocol HTTPHandler: Sendable {
    /// The largest body this request may carry, or nil for the server's default.
    /// Asked once the head is read, before any body byte is accepted (or 100 Continue sent).
    func bodyLimit(for head: HTTPRequestHead) -> Int?

    /// Answers `request` by calling `respond` exactly once, on any thread, now or later
    /// (for example after a group commit). Requests on one connection are answered in order.
    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void)
}

extension HTTPHandler {
    public func bodyLimit(for head: HTTPRequestHead) -> Int? { nil }
}

public struct HTTPServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks an ephemeral port; `HTTPServer.port` tells which.
    public var port = 0
    /// One epoll loop per core by default.
    public var eventLoops = max(1, min(ProcessInfoCores.count, 64))
    public var limits = HTTPParser.Limits()
    /// From a request's first byte to its last: slow clients (slowloris) get 408.
    public var requestTimeoutMilliseconds: UInt64 = 10_000
    /// A keep-alive connection with nothing to do is closed after this.
    public var idleTimeoutMilliseconds: UInt64 = 60_000
    /// A connection whose unsent output makes no progress for this long is closed: its
    /// client stopped reading.
    public var writeTimeoutMilliseconds: UInt64 = 30_000
    /// Connections beyond this are answered 503 and closed. The server lowers it to what
    /// the process's descriptor limit allows (`HTTPServer.maximumConnections`).
    public var maxConnections = 10_000
    /// Unsent response bytes a connection may hold before the server stops reading (and
    /// so answering) its pipelined requests until the client reads.
    public var maximumPendingOutputBytes = 64 * 1024
    /// Requests with a larger body are handled on a worker thread, never on an event loop.
    public var inlineBodyBytes = 16 * 1024
    /// Threads for those requests.
    public var workerThreads = max(2, ProcessInfoCores.count)
    public var backlog: Int32 = 1024

    public init() {}
}

import Foundation

enum ProcessInfoCores {
    static var count: Int { ProcessInfo.processInfo.activeProcessorCount }
}
