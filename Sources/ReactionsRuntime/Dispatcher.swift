import Foundation
import ReactionsCore
import ReactionsStore
import Synchronization

/// Drives the outbox (DESIGN §4): takes due deliveries, runs their attempts on a pool of
/// workers, records each attempt with what follows from it (delivered, retry at, dead
/// letter) and wakes up when new deliveries are committed or the next retry is due.
///
/// Delivery is at-least-once. A delivery stays pending until its attempt is recorded, so a
/// `serve` killed mid-attempt repeats that attempt when it starts again; receivers
/// deduplicate with `webhook-id`, which is the delivery id and never changes.
///
/// Only one process dispatches a state file at a time: the dispatcher holds an exclusive
/// `flock` on `<state>.dispatch.lock`, which the kernel releases however the holder dies.
/// Another `serve` on the same state keeps serving and takes over when the lock frees.
final class Dispatcher: Sendable {
    struct Options: Sendable {
        var workers = 16
        /// The longest sleep between looks at the outbox: bounds how late a delivery queued
        /// by another process (`deliveries retry`, `apply`) starts.
        var pollMilliseconds = 1000
    }

    private struct Job: Sendable {
        let delivery: DueDelivery
        let reaction: Reaction?
        let revision: RevisionContext?
    }

    private let options: Options
    private let store: any StoreBackend
    private let log: RequestLog
    private let metrics: Metrics

    /// Known once the server is bound (scripts are told its address).
    private struct Context: Sendable {
        let executor: DeliveryExecutor
        /// The revision serving now: dead letters are matched against it, as any new event is.
        let currentRoutes: @Sendable () -> RouteTable
    }
    private let context = Mutex<Context?>(nil)

    private let wakeup = DispatchSemaphore(value: 0)
    private let jobs = Mutex<[Job]>([])
    private let jobAvailable = DispatchSemaphore(value: 0)
    private let finished = Mutex<[AttemptOutcome]>([])
    private let started = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let workersDone = DispatchSemaphore(value: 0)

    init(store: any StoreBackend, options: Options, log: RequestLog, metrics: Metrics) {
        self.store = store
        self.options = options
        self.log = log
        self.metrics = metrics
    }

    /// Something was queued: look now rather than at the next poll.
    func wake() { wakeup.signal() }

    func start(executor: DeliveryExecutor, currentRoutes: @escaping @Sendable () -> RouteTable) {
        context.withLock { $0 = Context(executor: executor, currentRoutes: currentRoutes) }
        started.store(true, ordering: .releasing)
        for index in 0..<options.workers {
            let thread = Thread { [self] in self.work() }
            thread.name = "delivery-\(index)"
            thread.start()
        }
        let thread = Thread { [self] in self.run() }
        thread.name = "dispatcher"
        thread.start()
    }

    /// Stops taking new deliveries, lets running attempts finish (up to `graceMilliseconds`),
    /// records them, then returns. Unfinished ones stay pending for the next start.
    func stop(graceMilliseconds: Int) {
        stopping.store(true, ordering: .releasing)
        guard started.load(ordering: .acquiring) else { return }
        wakeup.signal()
        _ = stopped.wait(timeout: .now() + .milliseconds(graceMilliseconds + 2000))
    }

    // MARK: The dispatching thread

    private func run() {
        defer { stopped.signal() }
        let lock = DispatchLock(path: self.store.dispatchLockPath())
        var store: (any DeliveryStore)? = nil
        var stateStore: (any StateStore)? = nil
        var revisions: [Int: RevisionContext] = [:]
        var running: Set<String> = []
        var announcedWaiting = false
        var secretsCheckedAt: Int64 = 0
        var claimsExtendedAt: Int64 = 0
        while true {
            let stopRequested = stopping.load(ordering: .acquiring)
            if stopRequested && running.isEmpty { break }
            if !lock.held {
                if stopRequested { break }
                if !lock.acquire() {
                    if !announcedWaiting {
                        log.event("another serve dispatches deliveries for this state; waiting to take over", ["lock": .string(lock.path ?? "")])
                        announcedWaiting = true
                    }
                    _ = wakeup.wait(timeout: .now() + .milliseconds(options.pollMilliseconds))
                    continue
                }
                log.event("dispatching deliveries", [:])
            }
            do throws(StoreError) {
                if store == nil {
                    store = try self.store.deliveryStore(dispatcher: true)
                }
                if stateStore == nil { stateStore = try self.store.stateStore() }
                guard let store, let stateStore else { continue }
                var took = 0
                let room = options.workers * 2 - running.count
                if !stopRequested && room > 0 {
                    let now = Timestamp.epochMilliseconds()
                    let due = try store.due(now: now, excluding: running, limit: room)
                    var batch: [Job] = []
                    for delivery in due {
                        if revisions[delivery.revision] == nil, let revision = try stateStore.revision(delivery.revision) {
                            revisions[delivery.revision] = RevisionContext(revision)
                        }
                        let revision = revisions[delivery.revision]
                        batch.append(Job(delivery: delivery, reaction: revision?.reactions[delivery.reaction], revision: revision))
                        running.insert(delivery.id)
                    }
                    took = batch.count
                    if !batch.isEmpty {
                        jobs.withLock { $0.append(contentsOf: batch) }
                        for _ in batch { jobAvailable.signal() }
                    }
                }
                // Starting due attempts comes first: recording finished ones costs a commit.
                let done = finished.withLock { list -> [AttemptOutcome] in
                    defer { list.removeAll() }
                    return list
                }
                if !done.isEmpty {
                    do throws(StoreError) {
                        try store.record(done)
                    } catch {
                        // Not recorded: keep them (and their deliveries marked running) for the next turn.
                        finished.withLock { $0.insert(contentsOf: done, at: 0) }
                        throw error
                    }
                    for outcome in done {
                        running.remove(outcome.deliveryID)
                        metrics.deliveryAttempted(succeeded: outcome.attempt.succeeded, deadLettered: outcome.next.isDeadLetter)
                    }
                }
                // Claims of a shared store lapse unless extended: a third of the lease before.
                let now = Timestamp.epochMilliseconds()
                if let lease = store.claimLease, !running.isEmpty, now - claimsExtendedAt >= lease / 3 {
                    claimsExtendedAt = now
                    try store.extendClaims(running, now: now)
                }
                if took > 0 || !done.isEmpty { continue }
                if !stopRequested && now - secretsCheckedAt >= Int64(options.pollMilliseconds) {
                    secretsCheckedAt = now
                    if try retryWhereSecretsResolve(store) > 0 { continue }
                }
                // Nothing to do right now: sleep until woken, the next retry, or the poll.
                var wait = options.pollMilliseconds
                if let lease = store.claimLease, !running.isEmpty { wait = min(wait, Int(lease / 3)) }
                if !stopRequested, let next = try store.nextDue() {
                    let untilNext = Int(next - Timestamp.epochMilliseconds())
                    if untilNext > 0 { wait = min(wait, untilNext) }
                }
                _ = wakeup.wait(timeout: .now() + .milliseconds(max(1, wait)))
            } catch {
                log.event("the outbox cannot be read or written; retrying", ["error": .string(error.description)], level: "error")
                _ = wakeup.wait(timeout: .now() + .milliseconds(options.pollMilliseconds))
            }
        }
        for _ in 0..<options.workers { jobAvailable.signal() }
        lock.release()
    }

    /// Brings forward the retrying deliveries whose missing secrets now resolve (a file
    /// appeared in the secrets dir): they were waiting for nothing else. Returns how many.
    private func retryWhereSecretsResolve(_ store: any DeliveryStore) throws(StoreError) -> Int {
        guard let secrets = context.withLock({ $0?.executor.secrets }) else { return 0 }
        var brought = 0
        for waiting in try store.waitingForSecrets() {
            let names = waiting.split(separator: ",").map(String.init)
            guard names.allSatisfy(secrets.isAvailable) else { continue }
            let count = try store.retryNow(waitingFor: waiting, now: Timestamp.epochMilliseconds())
            if count > 0 {
                log.event("missing secrets now resolve; attempting their deliveries now",
                          ["secrets": .array(names.map(JSON.string)), "deliveries": .int(count)])
            }
            brought += count
        }
        return brought
    }

    // MARK: Workers

    private func work() {
        while true {
            jobAvailable.wait()
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                if stopping.load(ordering: .acquiring) { return }
                continue
            }
            guard let context = context.withLock({ $0 }) else { continue }
            let outcome = attempt(job, context: context)
            finished.withLock { $0.append(outcome) }
            wakeup.signal()
        }
    }

    private func attempt(_ job: Job, context: Context) -> AttemptOutcome {
        let executor = context.executor
        let delivery = job.delivery
        let number = delivery.attempts + 1
        let result: DeliveryExecutor.Result
        let policy: RetryPolicy?
        if let reaction = job.reaction, let revision = job.revision {
            result = executor.attempt(delivery, reaction: reaction, revision: revision, number: number)
            policy = reaction.retry
        } else {
            // Applied revisions are never deleted, so this means a damaged state file.
            let why = job.revision == nil ? "revision \(delivery.revision) cannot be loaded" : "revision \(delivery.revision) has no reaction \(delivery.reaction)"
            result = .notStarted(number, why)
            policy = nil
        }
        let record = result.record
        log.event(record.succeeded ? "delivered" : "delivery attempt failed",
                  ["delivery": .string(delivery.id), "reaction": .string(delivery.reaction), "event": .string(delivery.eventID),
                   "attempt": .int(number), "milliseconds": .int(record.milliseconds),
                   "status": record.httpStatus.map(JSON.int) ?? record.exitStatus.map(JSON.int) ?? .null,
                   "error": record.error.map(JSON.string) ?? .null],
                  level: record.succeeded ? "info" : "warn")
        if record.succeeded { return AttemptOutcome(deliveryID: delivery.id, attempt: record, next: .delivered) }
        let schedule = RetrySchedule(policy: policy)
        if !result.permanent,
           let wait = schedule.delay(after: delivery.roundAttempts + 1, retryAfterSeconds: result.retryAfter, random: Double.random(in: 0..<1)) {
            return AttemptOutcome(deliveryID: delivery.id, attempt: record, next: .retry(at: Timestamp.epochMilliseconds() + wait),
                                  missingSecrets: result.missingSecrets)
        }
        let routes = context.currentRoutes()
        let depth = (delivery.envelope["chaindepth"]?.intValue ?? 0) + 1
        let event = CloudEvent(id: EventID.make(), source: "/reactions/\(delivery.reaction)", type: EventType.reactionFailed,
                               time: Timestamp.now(), subject: delivery.reaction,
                               data: .object([
                                   .init("reaction", .string(delivery.reaction)), .init("delivery_id", .string(delivery.id)),
                                   .init("event_id", .string(delivery.eventID)),
                                   .init("event_type", delivery.envelope["type"] ?? .null),
                                   .init("attempts", .int(number)), .init("error", record.error.map(JSON.string) ?? .null),
                                   .init("http_status", record.httpStatus.map(JSON.int) ?? .null),
                               ]),
                               service: delivery.envelope["service"]?.stringValue, environment: delivery.envelope["environment"]?.stringValue,
                               causationID: delivery.eventID, chainDepth: depth)
        log.event("delivery failed for good; dead-lettered", ["delivery": .string(delivery.id), "reaction": .string(delivery.reaction),
                                                              "event": .string(event.id)], level: "error")
        return AttemptOutcome(deliveryID: delivery.id, attempt: record, next: .failed(event, revision: routes.revision, firings: routes.matcher?.firings(for: event) ?? .none))
    }
}
