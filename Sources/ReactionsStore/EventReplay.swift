import Foundation
import ReactionsCore
import Synchronization

/// Replays a store's recorded events against two revisions (`Replayer`): what `plan --replay`
/// runs locally and `POST /api/v1/replay` runs on the server, so history never has to leave
/// where it is kept.
///
/// Reading and decoding events costs about as much as matching them, so the two run side by
/// side: a thread reads pages from the store into a short queue of batches (bounded, so a
/// long history never sits in memory) while the caller's thread matches.
public enum EventReplay {
    static let batchSize = 512
    static let batchesAhead = 4

    /// `since` and `now` in milliseconds since the epoch; `limit`: the newest events only.
    public static func run(_ store: any DeployStore, before: StateDocument, after: StateDocument, since: Int64?, limit: Int?,
                           now: Int64) throws(StoreError) -> Replay {
        var replayer = Replayer(before: before, after: after)
        let queue = BatchQueue(capacity: batchesAhead)
        let reader = Thread {
            var batch: [JSON] = []
            batch.reserveCapacity(batchSize)
            do throws(StoreError) {
                try store.eachEvent(since: since, limit: limit) { envelope in
                    batch.append(envelope)
                    if batch.count == batchSize {
                        queue.put(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                    return true
                }
                if !batch.isEmpty { queue.put(batch) }
                queue.finish(nil)
            } catch {
                queue.finish(error)
            }
        }
        reader.name = "replay-reader"
        reader.start()
        while let batch = queue.take() {
            for envelope in batch { replayer.add(envelope) }
        }
        if let error = queue.failure { throw error }
        return replayer.finish(since: since.map(Timestamp.format(milliseconds:)), until: Timestamp.format(milliseconds: now))
    }
}

/// A queue of at most `capacity` batches between one reader and one matcher.
private final class BatchQueue: Sendable {
    private struct State {
        var batches: [[JSON]] = []
        var finished = false
        var failure: StoreError?
    }

    private let state = Mutex(State())
    private let slots: DispatchSemaphore
    private let items = DispatchSemaphore(value: 0)

    init(capacity: Int) { slots = DispatchSemaphore(value: capacity) }

    /// Blocks while the queue is full (the matcher takes every batch until the end).
    func put(_ batch: [JSON]) {
        slots.wait()
        state.withLock { $0.batches.append(batch) }
        items.signal()
    }

    func finish(_ failure: StoreError?) {
        state.withLock {
            $0.finished = true
            $0.failure = failure
        }
        items.signal()
    }

    /// The next batch, or nil when the reader has finished and everything was taken.
    func take() -> [JSON]? {
        while true {
            items.wait()
            let next: [JSON]? = state.withLock { s in s.batches.isEmpty ? nil : s.batches.removeFirst() }
            if let next {
                slots.signal()
                return next
            }
            if state.withLock({ $0.finished }) { return nil }
        }
    }

    var failure: StoreError? { state.withLock { $0.failure } }
}
