import Foundation
import ReactionsCore
import ReactionsStore
import Synchronization

/// `serve`'s retention: prunes what the policy no longer keeps, then gives the freed pages
/// back to the file system, on a thread and connection of its own.
///
/// It is built to stay out of ingestion's way: batches of at most 200 events, each one
/// write transaction sized to last about 2 ms (`SQLitePruner.BatchSizer`), a pause after
/// each twice as long as the batch (so the writer never waits behind two in a row, and
/// pruning takes at most a third of a core), and space returned
/// 256 pages (1 MiB) per transaction. The first pass runs shortly after
/// start, then one every `interval`.
final class RetentionWorker: Sendable {
    struct Options: Sendable {
        var policy: RetentionPolicy
        var interval: DurationValue
        var firstPassDelay: DurationValue = .seconds(5)
        var batchSize = 200
        var pauseMicroseconds: UInt32 = 5_000
        var vacuumPages = 256
    }

    private let stopped = Atomic<Bool>(false)
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(store: any StoreBackend, options: Options, log: RequestLog) throws(StoreError) {
        nonisolated(unsafe) let pruner = try store.pruner()
        let thread = Thread { [self] in
            var wait = options.firstPassDelay
            while !stopped.load(ordering: .acquiring) {
                _ = wakeup.wait(timeout: .now() + .milliseconds(Int(wait.milliseconds)))
                if stopped.load(ordering: .acquiring) { break }
                pass(pruner, options, log)
                wait = options.interval
            }
            finished.signal()
        }
        thread.name = "retention"
        thread.start()
    }

    private func pass(_ pruner: any StorePruner, _ options: Options, _ log: RequestLog) {
        let started = DispatchTime.now()
        let cutoffs = options.policy.cutoffs(now: Timestamp.epochMilliseconds())
        // Pauses twice as long as the batch took (at least `pauseMicroseconds`), so pruning
        // a large backlog takes at most a third of a core from ingestion.
        var batchStarted = DispatchTime.now()
        let keepGoing = { [self] () -> Bool in
            let worked = (DispatchTime.now().uptimeNanoseconds - batchStarted.uptimeNanoseconds) / 1_000
            usleep(max(options.pauseMicroseconds, UInt32(clamping: worked * 2)))
            batchStarted = DispatchTime.now()
            return !stopped.load(ordering: .acquiring)
        }
        do {
            let counts = try pruner.prune(eventsBefore: cutoffs.events, deploysBefore: cutoffs.deploys, dryRun: false,
                                          batchSize: options.batchSize, between: keepGoing)
            var free = try pruner.vacuumStep(pages: options.vacuumPages)
            var steps = 1
            // Bounded, so a huge backlog is given back over several passes, not one long one.
            while free > 0 && steps < 64 && keepGoing() {
                let before = free
                free = try pruner.vacuumStep(pages: options.vacuumPages)
                steps += 1
                if free >= before { break }
            }
            guard counts.total > 0 else { return }
            let milliseconds = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
            log.event("pruned", ["events": .int(counts.events), "deliveries": .int(counts.deliveries), "attempts": .int(counts.attempts),
                                 "deploys": .int(counts.deploys), "milliseconds": .int(milliseconds)])
        } catch {
            // Left for the next pass: pruning only ever removes what may go.
            log.event("prune failed", ["error": .string(error.description)], level: "warn")
        }
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeup.signal()
        finished.wait()
    }
}
