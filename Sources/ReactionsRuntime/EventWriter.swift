import Foundation
import ReactionsCore
import ReactionsStore
import Synchronization

/// Group commit for everything the runtime receives: handlers queue deploys and received
/// events (webhooks, emits); one thread writes everything queued in one transaction per kind (one fsync),
/// then answers each. Nothing is acknowledged before it is committed, and throughput does
/// not pay an fsync per request.
final class EventWriter: Sendable {
    typealias DeployReply = @Sendable (Result<DeployOutcome, StoreError>) -> Void
    typealias ReceivedReply = @Sendable (Result<ReceivedOutcome, StoreError>) -> Void

    private enum Job: Sendable {
        case deploy(DeployRecord, DeployReply)
        case received(ReceivedEvent, ReceivedReply)
    }

    private let jobs = Mutex<[Job]>([])
    private let wakeup = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Largest batch per transaction; keeps one commit's latency bounded.
    static let maximumBatch = 512

    /// Called after a commit that queued deliveries.
    private let queuedDeliveries: @Sendable () -> Void
    /// Called after every transaction, with its error if it failed.
    private let committed: @Sendable (StoreError?) -> Void
    /// How the store keeps envelopes: deploys are prepared in it before they are submitted.
    let envelopeForm: EnvelopeForm

    init(store: any DeployStore, queuedDeliveries: @escaping @Sendable () -> Void,
         committed: @escaping @Sendable (StoreError?) -> Void = { _ in }) {
        envelopeForm = store.envelopeForm
        self.queuedDeliveries = queuedDeliveries
        self.committed = committed
        let thread = Thread { [self] in
            self.run(store)
        }
        thread.name = "event-writer"
        thread.start()
    }

    func submit(_ record: DeployRecord, reply: @escaping DeployReply) {
        jobs.withLock { $0.append(.deploy(record, reply)) }
        wakeup.signal()
    }

    func submit(_ record: ReceivedEvent, reply: @escaping ReceivedReply) {
        jobs.withLock { $0.append(.received(record, reply)) }
        wakeup.signal()
    }

    /// Writes what is queued, then stops.
    func stop() {
        stopped.store(true, ordering: .releasing)
        wakeup.signal()
        finished.wait()
    }

    private func run(_ store: any DeployStore) {
        while true {
            wakeup.wait()
            while true {
                let batch = jobs.withLock { queue -> [Job] in
                    let take = min(queue.count, Self.maximumBatch)
                    let batch = Array(queue.prefix(take))
                    queue.removeFirst(take)
                    return batch
                }
                if batch.isEmpty { break }
                let queuedBefore = store.deliveriesEnqueued
                var deploys: [(DeployRecord, DeployReply)] = []
                var received: [(ReceivedEvent, ReceivedReply)] = []
                for job in batch {
                    switch job {
                    case .deploy(let r, let reply): deploys.append((r, reply))
                    case .received(let r, let reply): received.append((r, reply))
                    }
                }
                if !deploys.isEmpty {
                    do {
                        let outcomes = try store.record(deploys.map(\.0))
                        committed(nil)
                        for ((_, reply), outcome) in zip(deploys, outcomes) { reply(.success(outcome)) }
                    } catch {
                        committed(error)
                        for (_, reply) in deploys { reply(.failure(error)) }
                    }
                }
                if !received.isEmpty {
                    // Message ids older than the replay window can no longer be replayed.
                    let horizon = (received.map(\.0.receivedAtSeconds).min() ?? 0) - Int(StandardWebhooks.toleranceSeconds) * 2
                    do {
                        let outcomes = try store.record(received: received.map(\.0), forgetBefore: horizon)
                        committed(nil)
                        for ((_, reply), outcome) in zip(received, outcomes) { reply(.success(outcome)) }
                    } catch {
                        committed(error)
                        for (_, reply) in received { reply(.failure(error)) }
                    }
                }
                if store.deliveriesEnqueued != queuedBefore { queuedDeliveries() }
            }
            if stopped.load(ordering: .acquiring) && jobs.withLock({ $0.isEmpty }) {
                finished.signal()
                return
            }
        }
    }
}
