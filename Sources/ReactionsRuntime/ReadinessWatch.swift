import ReactionsCore
import Synchronization

/// Logs readiness when it changes: once at start, ready or not and why, then on every
/// change. Before, only `/readyz` said that a server was waiting for a secret, and its
/// logs looked healthy.
final class ReadinessWatch: Sendable {
    private let last = Mutex<String?>(nil)
    private let log: RequestLog

    init(log: RequestLog) { self.log = log }

    /// Called whenever readiness may have changed; logs only what differs from last time.
    func observe(ready: Bool, reason: String?, missingSecrets: [String], revision: Int) {
        let key = ready ? "ready" : "not ready: \(reason ?? "")"
        let changed = last.withLock { previous -> Bool in
            defer { previous = key }
            return previous != key
        }
        guard changed else { return }
        if ready {
            log.event("ready", ["revision": .int(revision)])
        } else {
            log.event("not ready", ["reason": .string(reason ?? "unknown"), "revision": .int(revision),
                                    "missing_secrets": .array(missingSecrets.map(JSON.string))], level: "warn")
        }
    }
}
