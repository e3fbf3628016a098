import Foundation
import ReactionsCore
import ReactionsStore
import Synchronization

/// Group commit for deploys: handlers queue records; one thread writes everything queued
/// in one transaction (one fsync), then answers each. Nothing is acknowledged before it is
/// committed, and throughput does not pay an fsync per request.
final class DeployWriter: Sendable {
    typealias Reply = @Sendable (Result<DeployOutcome, StoreError>) -> Void

    private struct Job: Sendable {
        var record: DeployRecord
        var reply: Reply
    }

    private let jobs = Mutex<[Job]>([])
    private let wakeup = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Largest batch per transaction; keeps one commit's latency bounded.
    static let maximumBatch = 512

    init(store: SQLiteDeployStore) {
        let thread = Thread { [self] in
            self.run(store)
        }
        thread.name = "deploy-writer"
        thread.start()
    }

    func submit(_ record: DeployRecord, reply: @escaping Reply) {
        jobs.withLock { $0.append(Job(record: record, reply: reply)) }
        wakeup.signal()
    }

    /// Writes what is queued, then stops.
    func stop() {
        stopped.store(true, ordering: .releasing)
        wakeup.signal()
        finished.wait()
    }

    private func run(_ store: SQLiteDeployStore) {
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
                do {
                    let outcomes = try store.record(batch.map(\.record))
                    for (job, outcome) in zip(batch, outcomes) { job.reply(.success(outcome)) }
                } catch {
                    for job in batch { job.reply(.failure(error)) }
                }
            }
            if stopped.load(ordering: .acquiring) && jobs.withLock({ $0.isEmpty }) {
                finished.signal()
                return
            }
        }
    }
}
