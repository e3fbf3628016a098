import Foundation
import HTTPServer
import ReactionsCore
import ReactionsStore
import Synchronization

/// `reactions serve`: serves the latest applied revision and picks up new ones without a
/// restart. A new revision builds a new route table that replaces the old one atomically;
/// requests already routed finish on the table they started with.
public final class Runtime: Sendable {
    public struct Options: Sendable {
        /// Where the state lives.
        public var store: any StoreBackend
        public var host = "127.0.0.1"
        public var port = 8080
        public var secretsDirectory: String?
        public var environment: [String: String]
        public var requestLogs = true
        /// How often to look for a newly applied revision.
        public var revisionPollMilliseconds = 500
        public var eventLoops = ProcessInfo.processInfo.activeProcessorCount
        /// Run the outbox's dispatcher (off only in tests of the receiving half).
        public var dispatch = true
        public var deliveryWorkers = 16
        /// What to prune and how often to look (nil: keep everything).
        public var retention: RetentionPolicy? = .standard
        public var pruneInterval = DurationValue(milliseconds: 10 * 60_000)

        public init(store: any StoreBackend, environment: [String: String]) {
            self.store = store
            self.environment = environment
        }
    }

    let options: Options
    let metrics = Metrics()
    let log: RequestLog
    let writer: EventWriter
    let dispatcher: Dispatcher
    /// Signs the short-lived tokens scripts get: drawn per process and never stored, unless
    /// replicas share the store, which then holds one key for all of them.
    let tokens: ScopedToken
    let adminTokens: AdminTokens
    private let current = Mutex(RouteTable.empty)
    /// Secrets the served revision needs that cannot be resolved yet; re-checked on every
    /// poll, so a secret provided after start-up makes the server ready without a restart.
    private let missingSecrets = Mutex<[String]>([])
    private let loadError = Mutex<String?>(nil)
    private let commits: CommitHealth
    private let readinessWatch: ReadinessWatch
    private let readerStore: Mutex<any DeployStore>
    private let outbox: Mutex<any DeliveryStore>
    private let stateStore: Mutex<any StateStore>
    private let stopping = Atomic<Bool>(false)
    /// `plan --replay --server`'s job: one at a time (`ReplayAPI`).
    let replays = ReplayJobs()
    private let server = Mutex<HTTPServer?>(nil)
    /// Stops the store's own background work (SQLite: the checkpointer).
    private let stopUpkeep: @Sendable () -> Void
    private let retention: RetentionWorker?

    public init(options: Options) throws(StoreError) {
        self.options = options
        adminTokens = AdminTokens(environment: options.environment)
        log = RequestLog(enabled: options.requestLogs)
        tokens = ScopedToken(key: try options.store.scriptTokenKey())
        let writerStore = try options.store.deployStore(writer: true)
        var dispatchOptions = Dispatcher.Options()
        dispatchOptions.workers = max(1, options.deliveryWorkers)
        let dispatcher = Dispatcher(store: options.store, options: dispatchOptions, log: log, metrics: metrics)
        self.dispatcher = dispatcher
        let commits = CommitHealth(log: log)
        self.commits = commits
        readinessWatch = ReadinessWatch(log: log)
        writer = EventWriter(store: writerStore, queuedDeliveries: { dispatcher.wake() }, committed: { commits.record($0) })
        readerStore = Mutex(try options.store.deployStore(writer: false))
        outbox = Mutex(try options.store.deliveryStore(dispatcher: false))
        stateStore = Mutex(try options.store.stateStore())
        stopUpkeep = try options.store.startUpkeep()
        if let policy = options.retention, policy.events != nil || policy.deploys != nil {
            var retentionOptions = RetentionWorker.Options(policy: policy, interval: options.pruneInterval)
            retentionOptions.firstPassDelay = min(retentionOptions.firstPassDelay, options.pruneInterval)
            retention = try RetentionWorker(store: options.store, options: retentionOptions, log: log)
        } else {
            retention = nil
        }
        reload()
    }

    var routes: RouteTable { current.withLock { $0 } }

    var secrets: SecretResolver { SecretResolver(environment: options.environment, directory: options.secretsDirectory) }

    // Reads go through one connection, one at a time.
    /// Service names are read against the served revision (see `resolvingServices`).
    func deploys(_ query: DeployQuery) throws(StoreError) -> [StoredDeploy] {
        let query = query.resolvingServices(with: routes.services)
        return try readerStore.withLock { s throws(StoreError) in try s.deploys(query) }
    }

    /// Whether only this machine can reach the server (its listener is a loopback address).
    var listensOnLoopbackOnly: Bool {
        let host = options.host.lowercased()
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// DORA metrics of the deploys received since `since` (see `DeployStats`).
    func stats(_ query: DeployQuery, since: Int64, until: Int64) throws(StoreError) -> JSON {
        let query = query.resolvingServices(with: routes.services)
        return try readerStore.withLock { s throws(StoreError) in try DeployStats.json(s, query: query, since: since, until: until) }
    }

    func suggestions() throws(StoreError) -> [Suggestion] {
        try readerStore.withLock { s throws(StoreError) in try s.suggestions() }
    }

    func events(type: String?, limit: Int) throws(StoreError) -> [JSON] {
        try readerStore.withLock { s throws(StoreError) in try s.events(type: type, limit: limit) }
    }

    /// One recorded event and the revision it arrived under.
    func event(id: String) throws(StoreError) -> (envelope: JSON, revision: Int?)? {
        try readerStore.withLock { s throws(StoreError) in try s.event(id: id) }
    }

    /// Why there is no event `id`: retention pruned it, or it never was.
    func missingEvent(_ id: String) throws(StoreError) -> String {
        try readerStore.withLock { s throws(StoreError) in try s.pruneHorizon() }.explainMissing(id, kind: "event")
            ?? "no event \(id) is recorded on this server"
    }

    func deliveries(_ query: DeliveryQuery) throws(StoreError) -> [StoredDelivery] {
        try outbox.withLock { s throws(StoreError) in try s.deliveries(query) }
    }

    func delivery(id: String) throws(StoreError) -> StoredDelivery? {
        try outbox.withLock { s throws(StoreError) in try s.delivery(id: id) }
    }

    /// Why a delivery id is not found: removed by retention, or never seen.
    func missingDelivery(_ id: String) -> String {
        outbox.withLock { $0.missing(id) }
    }

    func redeliver(id: String) throws(RedeliverError) -> StoredDelivery {
        let delivery = try outbox.withLock { s throws(RedeliverError) in try s.redeliver(id: id, now: Timestamp.epochMilliseconds()) }
        dispatcher.wake()
        return delivery
    }

    // Revisions, for remote plan and apply.
    func head() throws(StoreError) -> RevisionInfo? {
        try stateStore.withLock { s throws(StoreError) in try s.head() }
    }

    func revision(_ number: Int) throws(StoreError) -> Revision? {
        try stateStore.withLock { s throws(StoreError) in try s.revision(number) }
    }

    func history(limit: Int?) throws(StoreError) -> [RevisionInfo] {
        try stateStore.withLock { s throws(StoreError) in try s.history(limit: limit) }
    }

    /// Commits a revision sent by `apply --server` and serves it at once. `config` is its
    /// document, decoded once by the caller (which validated it): the matcher and the new
    /// route table are built from it rather than by decoding the document twice more.
    func commit(_ commit: RevisionCommit, config: Config, expectedBase: Int?) throws(StoreError) -> RevisionInfo {
        var commit = commit
        commit.matcher = OutboxMatcher.forConfigApplied(config)
        let info = try stateStore.withLock { s throws(StoreError) in try s.commit(commit, expectedBase: expectedBase) }
        serve(RouteTable(revision: info.number, hash: info.hash, config: config, secretAvailable: secrets.isAvailable))
        dispatcher.wake()
        return info
    }

    /// The Prometheus page: request metrics plus the server's live gauges.
    func metricsText() -> String {
        let server = self.server.withLock { $0 }
        let store = (try? outbox.withLock { s throws(StoreError) in try s.statistics() }) ?? StoreStatistics()
        return metrics.render(store: store, connections: server?.connectionCount ?? 0, inFlight: server?.inFlightCount ?? 0)
    }

    /// Ready when a revision is loaded and every secret it references resolves here.
    func readiness() -> (Bool, String?) {
        if let error = loadError.withLock({ $0 }) { return (false, error) }
        if let problem = commits.problem { return (false, problem) }
        let routes = self.routes
        if routes.revision == 0 { return (false, "no revision is applied yet; run `reactions apply`") }
        let missing = missingSecrets.withLock { $0 }
        if !missing.isEmpty { return (false, "missing secrets: " + missing.joined(separator: ", ")) }
        return (true, nil)
    }

    /// Loads the head revision if it is new. Returns whether the served table changed.
    @discardableResult
    func reload() -> Bool {
        defer { noteReadiness() }
        do {
            let revision = try stateStore.withLock { store throws(StoreError) -> Revision? in
                guard let head = try store.head(), head.number != routes.revision else { return nil }
                return try store.revision(head.number)
            }
            loadError.withLock { $0 = nil }
            guard let revision else {
                recheckSecrets()
                return false
            }
            serve(RouteTable(revision: revision, secretAvailable: secrets.isAvailable))
            return true
        } catch {
            loadError.withLock { $0 = error.description }
            metrics.setRevision(routes.revision, ready: false)
            log.event("cannot load the applied revision", ["error": .string(error.description)], level: "error")
            return false
        }
    }

    /// Swaps in a new route table: requests routed from now on use it.
    private func serve(_ table: RouteTable) {
        current.withLock { $0 = table }
        missingSecrets.withLock { $0 = table.missingSecrets }
        metrics.setRevision(table.revision, ready: readiness().0)
        log.event("serving revision", ["revision": .int(table.revision), "hash": .string(String(table.hash.prefix(12))),
                                       "deploy_endpoints": .int(table.deploysByID.count)])
        noteReadiness()
    }

    /// From `start()` on (before it, `serve --config` may still be applying a revision).
    private func noteReadiness() {
        guard server.withLock({ $0 }) != nil else { return }
        let (ready, reason) = readiness()
        readinessWatch.observe(ready: ready, reason: reason, missingSecrets: missingSecrets.withLock { $0 }, revision: routes.revision)
    }

    private func recheckSecrets() {
        let stillMissing = missingSecrets.withLock { $0 }
        guard !stillMissing.isEmpty else { return }
        let secrets = self.secrets
        let now = stillMissing.filter { !secrets.isAvailable($0) }
        guard now != stillMissing else { return }
        missingSecrets.withLock { $0 = now }
        metrics.setRevision(routes.revision, ready: readiness().0)
    }

    private let bound = Mutex<HTTPServer?>(nil)

    /// Binds the listen address without serving yet, so a busy address fails before
    /// anything else happens (`serve --config` applies only once it holds the address).
    /// Connections wait in the kernel's backlog until `start()`.
    public func bind() throws(HTTPServerError) {
        guard bound.withLock({ $0 }) == nil else { return }
        var configuration = HTTPServerConfiguration()
        configuration.host = options.host
        configuration.port = options.port
        configuration.eventLoops = max(1, options.eventLoops)
        let server = try HTTPServer(configuration: configuration, handler: RuntimeHandler(runtime: self))
        bound.withLock { $0 = server }
    }

    /// Binds (unless `bind()` did) and serves until `stop()`. Returns the bound port.
    public func start() throws(HTTPServerError) -> Int {
        try bind()
        guard let server = bound.withLock({ $0 }) else { return 0 }
        reload()
        server.start()
        self.server.withLock { $0 = server }
        noteReadiness()
        let poll = options.revisionPollMilliseconds
        let signal = options.store.signal()
        let thread = Thread { [self] in
            var reloadedAt = Timestamp.epochMilliseconds()
            while !self.stopping.load(ordering: .acquiring) {
                // Woken by the store when it can tell (PostgreSQL's NOTIFY); polled either way.
                var signals: StoreSignals = []
                if let signal { signals = signal.wait(milliseconds: poll) } else { Thread.sleep(forTimeInterval: Double(poll) / 1000) }
                if signals.contains(.deliveries) { self.dispatcher.wake() }
                let now = Timestamp.epochMilliseconds()
                if signals.contains(.revision) || now - reloadedAt >= Int64(poll) {
                    reloadedAt = now
                    self.reload()
                }
            }
        }
        thread.name = "revision-watch"
        thread.start()
        if options.dispatch {
            // Scripts reach the API on loopback when the server listens on every interface.
            let host = ["0.0.0.0", "::", ""].contains(options.host) ? "127.0.0.1" : options.host
            let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(server.port)"
            let snapshots = options.store.scriptDirectory
            let executor = DeliveryExecutor(deliverer: HTTPDeliverer(),
                                            scripts: ScriptInvocationBuilder(snapshotDirectory: snapshots, secrets: secrets),
                                            secrets: secrets, api: (url, tokens))
            dispatcher.start(executor: executor, currentRoutes: { [self] in self.routes })
        }
        log.event("listening", ["address": .string("http://\(options.host):\(server.port)"),
                                "state": .string(options.store.displayName),
                                "max_connections": .int(server.maximumConnections),
                                "retention": .string(RetentionPolicy.describe(options.retention?.events)),
                                "deploy_retention": .string(RetentionPolicy.describe(options.retention?.deploys))])
        return server.port
    }

    /// Stops accepting, answers in-flight requests (deploys are committed first), then returns.
    public func stop(graceMilliseconds: UInt64 = 10_000) {
        stopping.store(true, ordering: .releasing)
        let server = self.server.withLock { $0 }
        server?.shutdown(graceMilliseconds: graceMilliseconds)
        writer.stop()
        if options.dispatch { dispatcher.stop(graceMilliseconds: Int(graceMilliseconds)) }
        stopUpkeep()
        retention?.stop()
        log.event("stopped")
        log.flush()
    }
}

