import CSystem
import Foundation
import Synchronization

public enum HTTPServerError: Error, Sendable, CustomStringConvertible {
    case cannotListen(host: String, port: Int, errno: Int32)
    case system(String, Int32)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let e) where e == EADDRINUSE:
            return "\(host):\(port) is already in use by another process: stop it (another `reactions serve`?) or choose another --listen address"
        case .cannotListen(let host, let port, let e):
            return "cannot listen on \(host):\(port): \(String(cString: strerror(e)))"
        case .system(let call, let e):
            return "\(call) failed: \(String(cString: strerror(e)))"
        }
    }
}

/// State every loop of one server shares.
final class ServerShared: Sendable {
    let connections = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let drainDeadline = Atomic<UInt64>(0)
    let maximumConnections: Int

    init(maximumConnections: Int) { self.maximumConnections = maximumConnections }
}

/// An HTTP/1.1 server: one epoll loop per core, each with its own SO_REUSEPORT listener,
/// so the kernel spreads connections and no lock sits on the request path. Only this
/// process's loops share the address: a second server on it fails to start.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let loops: [EventLoop]
    private let finished = DispatchGroup()
    private let shared: ServerShared
    private let workers: WorkerPool
    /// The port actually bound (useful with port 0).
    public let port: Int

    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) throws(HTTPServerError) {
        csys_ignore_sigpipe()
        csys_tune_allocator_for_serving()
        self.configuration = configuration
        let shared = ServerShared(maximumConnections: Self.connectionCap(configuration.maxConnections,
                                                                         descriptors: csys_raise_nofile_limit()))
        self.shared = shared
        let workers = WorkerPool(threads: configuration.workerThreads, name: "http-worker")
        self.workers = workers
        var loops: [EventLoop] = []
        var port = configuration.port
        for index in 0..<max(1, configuration.eventLoops) {
            let share = index == 0 ? Int32(CSYS_LISTEN_FIRST) : Int32(CSYS_LISTEN_JOIN)
            let fd = csys_listen_tcp(configuration.host, Int32(port), configuration.backlog, share)
            guard fd >= 0 else {
                for loop in loops { loop.closeListener() }
                workers.stop(threads: configuration.workerThreads)
                throw .cannotListen(host: configuration.host, port: port, errno: -fd)
            }
            if port == 0 { port = Int(csys_local_port(fd)) }
            do {
                loops.append(try EventLoop(index: index, listenFD: fd, configuration: configuration, handler: handler, shared: shared,
                                           workers: workers))
            } catch {
                _ = csys_close(fd)
                for loop in loops { loop.closeListener() }
                workers.stop(threads: configuration.workerThreads)
                throw error
            }
        }
        self.loops = loops
        self.port = port
    }

    /// Starts the loops on their own threads and returns at once.
    public func start() {
        for loop in loops {
            finished.enter()
            let group = finished
            let thread = Thread {
                loop.run()
                group.leave()
            }
            thread.name = "http-loop-\(loop.index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Stops accepting, lets in-flight requests finish (up to `grace`), closes the rest,
    /// and returns when every loop has stopped.
    public func shutdown(graceMilliseconds: UInt64 = 10_000) {
        shared.drainDeadline.store(EventLoop.now() + graceMilliseconds * 1_000_000, ordering: .releasing)
        shared.stopping.store(true, ordering: .releasing)
        for loop in loops { loop.wake() }
        finished.wait()
        workers.stop(threads: configuration.workerThreads)
    }

    /// Each connection holds a descriptor, and the process needs more for its state file,
    /// scripts and outgoing deliveries: past the limit, accept fails with EMFILE and
    /// everything else that opens a file fails too. So the cap leaves an eighth (at least
    /// 32) of the descriptor limit to the rest of the process.
    static func connectionCap(_ configured: Int, descriptors: Int) -> Int {
        guard descriptors > 0 else { return configured }
        return max(1, min(configured, descriptors - max(32, descriptors / 8)))
    }

    /// Connections served at once: the configured cap, lowered to what the descriptor
    /// limit allows.
    public var maximumConnections: Int { shared.maximumConnections }

    /// Open connections across all loops.
    public var connectionCount: Int { shared.connections.load(ordering: .relaxed) }
    /// Requests handed to the handler and not yet answered.
    public var inFlightCount: Int { shared.inFlight.load(ordering: .relaxed) }
}
