import Foundation
import Synchronization

/// A few threads for requests whose handling may cost time in proportion to their body,
/// so that an event loop never does such work itself: one large request may keep a worker
/// busy, never the loop that answers everyone else on it.
///
/// The queue is bounded by the server's connections (one request in flight per
/// connection), so it needs no bound of its own.
final class WorkerPool: Sendable {
    private let jobs = Mutex<(queue: [@Sendable () -> Void], head: Int, stopping: Bool)>(([], 0, false))
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    init(threads: Int, name: String) {
        for index in 0..<max(1, threads) {
            finished.enter()
            let group = finished
            let thread = Thread { [self] in
                self.work()
                group.leave()
            }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.queue.append(job) }
        available.signal()
    }

    /// Runs what is queued, then stops the threads.
    func stop(threads: Int) {
        jobs.withLock { $0.stopping = true }
        for _ in 0..<max(1, threads) { available.signal() }
        finished.wait()
    }

    private func work() {
        while true {
            available.wait()
            let next = jobs.withLock { state -> (@Sendable () -> Void)?? in
                guard state.head < state.queue.count else { return state.stopping ? .some(nil) : nil }
                let job = state.queue[state.head]
                state.head += 1
                if state.head == state.queue.count {
                    state.queue.removeAll(keepingCapacity: state.queue.capacity <= 1024)
                    state.head = 0
                }
                return .some(job)
            }
            switch next {
            case .some(.some(let job)): job()
            case .some(.none): return
            case .none: continue
            }
        }
    }
}
