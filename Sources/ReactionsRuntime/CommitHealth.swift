import ReactionsCore
import ReactionsStore
import Synchronization

/// Whether the last commit of what serve received succeeded. A disk that is full or a file
/// turned read-only makes every deploy fail with 500; until a commit succeeds again,
/// `/readyz` says so, and a load balancer sends deploys to a replica that can keep them.
final class CommitHealth: Sendable {
    private let failure = Mutex<String?>(nil)
    private let log: RequestLog

    init(log: RequestLog) { self.log = log }

    /// The reason commits are failing, or nil when the last one succeeded.
    var problem: String? { failure.withLock { $0 } }

    /// Called by the writer after each transaction; logs only changes.
    func record(_ error: StoreError?) {
        let reason = error.map { "the last commit failed (\($0.description)); deploys and events are not being recorded" }
        let changed = failure.withLock { current -> Bool in
            defer { current = reason }
            return (current == nil) != (reason == nil)
        }
        guard changed else { return }
        if let reason {
            log.event("not ready: commits are failing", ["reason": .string(reason)], level: "error")
        } else {
            log.event("ready again: a commit succeeded", [:])
        }
    }
}
