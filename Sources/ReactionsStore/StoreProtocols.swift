import ReactionsCore

// The store as the runtime and the CLI use it (DESIGN §7: "the store is a protocol"). The
// SQLite file is one implementation; a second store implements the same protocols and
// passes the same tests, and nothing above this module branches on which one it has.
//
// An instance is one connection: use it from one thread at a time (its owner serialises
// calls, as `serve`'s writer thread and mutexes do), which is why it may be handed between
// threads.

/// Deploys, suggestions, and the events deploys and webhooks raise, written with the
/// deliveries they cause (the outbox) in one transaction per batch (group commit).
public protocol DeployStore: AnyObject, Sendable {
    /// Records a batch in one transaction: concurrent duplicates of a `dedup_id` yield one
    /// deploy, and generated deploy numbers never repeat per service.
    func record(_ batch: [DeployRecord]) throws(StoreError) -> [DeployOutcome]
    /// Stores received events in one transaction; a message id an endpoint saw before
    /// (since `forgetBefore`, seconds since the epoch) is a replay.
    func record(received batch: [ReceivedEvent], forgetBefore: Int) throws(StoreError) -> [ReceivedOutcome]
    /// Deliveries this connection has queued since it opened: lets the writer wake the
    /// dispatcher only when there is something to send.
    var deliveriesEnqueued: Int { get }

    func deploys(_ query: DeployQuery) throws(StoreError) -> [StoredDeploy]
    func suggestions() throws(StoreError) -> [Suggestion]
    /// Stored event envelopes, newest first.
    func events(type: String?, limit: Int) throws(StoreError) -> [JSON]
    /// One stored event and the revision it was received under.
    func event(id: String) throws(StoreError) -> (envelope: JSON, revision: Int?)?
    /// How far retention has pruned events (and so their deliveries).
    func pruneHorizon() throws(StoreError) -> PruneHorizon
    /// Recorded events, newest first: those made since `since` (milliseconds since the
    /// epoch; nil: all), at most `limit`, read a batch at a time so a long history never sits
    /// in memory (`plan --replay`). `each` returns false to stop early.
    func eachEvent(since: Int64?, limit: Int?, _ each: (JSON) -> Bool) throws(StoreError)
    /// The form of envelope this store keeps, so `DeployRecord`s are prepared in it.
    var envelopeForm: EnvelopeForm { get }
}

extension DeployStore {
    public var envelopeForm: EnvelopeForm { .text }
}

/// The outbox as the dispatcher and the `deliveries` command see it.
public protocol DeliveryStore: AnyObject, Sendable {
    /// Deliveries whose attempt is due, oldest first, leaving out those already running.
    /// A store several dispatchers share claims them for `claimLease`.
    func due(now: Int64, excluding running: Set<String>, limit: Int) throws(StoreError) -> [DueDelivery]
    /// How long a claim made by `due` lasts unless extended (ms); nil when one dispatcher
    /// holds the store alone and nothing is claimed.
    var claimLease: Int64? { get }
    /// Keeps the claims on attempts still running from lapsing.
    func extendClaims(_ ids: Set<String>, now: Int64) throws(StoreError)
    /// When the next pending or retrying delivery is due (ms since the epoch), if any.
    func nextDue() throws(StoreError) -> Int64?
    /// Records attempts and moves their deliveries along, raising dead-letter events, in
    /// one transaction.
    func record(_ outcomes: [AttemptOutcome]) throws(StoreError)
    func deliveries(_ query: DeliveryQuery) throws(StoreError) -> [StoredDelivery]
    /// One delivery with every attempt made for it.
    func delivery(id: String) throws(StoreError) -> StoredDelivery?
    func attempts(of id: String) throws(StoreError) -> [AttemptRecord]
    /// Queues a delivery to be attempted now with a fresh retry budget, whatever its status.
    func redeliver(id: String, now: Int64) throws(RedeliverError) -> StoredDelivery
    /// The sets of secrets (comma-separated names) that retrying deliveries wait for.
    func waitingForSecrets() throws(StoreError) -> [String]
    /// Brings forward to `now` the retrying deliveries that wait for exactly these secrets.
    func retryNow(waitingFor secrets: String, now: Int64) throws(StoreError) -> Int
    func pruneHorizon() throws(StoreError) -> PruneHorizon
    /// What `/metrics` shows of the store, in constant time.
    func statistics() throws(StoreError) -> StoreStatistics
}

extension DeliveryStore {
    public var claimLease: Int64? { nil }
    public func extendClaims(_ ids: Set<String>, now: Int64) throws(StoreError) {}

    /// Why no delivery `id` is found: removed by retention, or never recorded.
    public func missing(_ id: String) -> String {
        let horizon = try? pruneHorizon()
        return horizon?.explainMissing(id, kind: "delivery") ?? RedeliverError.notFound(id).description
    }
}

/// Retention's work on a store (see `RetentionPolicy`).
public protocol StorePruner: AnyObject {
    /// Removes (or, in a dry run, counts) what is older than the cutoffs, in batches;
    /// `between` runs after each batch and stops the work by returning false.
    func prune(eventsBefore: Int64?, deploysBefore: Int64?, dryRun: Bool, batchSize: Int,
               between: () -> Bool) throws(StoreError) -> PruneCounts
    /// Returns up to `pages` free pages to the operating system; returns the pages still free.
    func vacuumStep(pages: Int) throws(StoreError) -> Int
    /// Returns all free space; returns the bytes given back.
    func giveSpaceBack(pagesPerStep: Int) throws(StoreError) -> Int
}

extension StorePruner {
    /// All of it at once (`reactions state prune`, tests).
    public func pruneAll(eventsBefore: Int64?, deploysBefore: Int64?, dryRun: Bool, batchSize: Int = 200) throws(StoreError) -> PruneCounts {
        try prune(eventsBefore: eventsBefore, deploysBefore: deploysBefore, dryRun: dryRun, batchSize: batchSize, between: { true })
    }
}
