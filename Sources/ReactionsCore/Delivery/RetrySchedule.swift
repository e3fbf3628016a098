/// When each attempt of a delivery runs (DESIGN §4).
///
/// The default follows Standard Webhooks / Svix: now, 5s, 5m, 30m, 2h, 5h, 10h, 10h (eight
/// attempts over about 27 hours), so a receiver that is down for a night still gets every
/// deploy marker the next morning. A reaction's `retry` reshapes it without changing its
/// character: `initial_delay` scales the whole curve (the first retry waits exactly that
/// long, later ones grow by the default's ratios), `max_delay` caps each wait, and
/// `max_attempts` sets the count (waits beyond the table repeat the last one).
public struct RetrySchedule: Sendable, Equatable {
    /// Waits before attempts 2…8 of the default schedule, in milliseconds.
    public static let defaultDelays: [Int64] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map { $0 * 1000 }
    public static let defaultMaxAttempts = 8
    /// How far a receiver's `Retry-After` may push the next attempt: an hour. Beyond that
    /// a misconfigured or hostile receiver could park a delivery forever.
    public static let retryAfterCap: Int64 = 3_600_000

    public let maxAttempts: Int
    /// Wait before attempt n+2 is `delays[n]` (attempt 1 runs at once).
    public let delays: [Int64]

    public init(policy: RetryPolicy?) {
        let attempts = max(1, policy?.maxAttempts ?? Self.defaultMaxAttempts)
        let scale = Double(policy?.initialDelay?.milliseconds ?? Self.defaultDelays[0]) / Double(Self.defaultDelays[0])
        let cap = policy?.maxDelay?.milliseconds ?? Int64.max
        var delays: [Int64] = []
        for index in 0..<(attempts - 1) {
            let base = Self.defaultDelays[min(index, Self.defaultDelays.count - 1)]
            delays.append(min(Int64((Double(base) * scale).rounded()), cap))
        }
        maxAttempts = attempts
        self.delays = delays
    }

    /// The wait after failed attempt `attempt` (1-based), or nil when it was the last one.
    ///
    /// `random` in 0..<1 spreads waits by ±20% so that deliveries failed by one outage do not
    /// all come back at the same instant. A receiver's `Retry-After` (seconds) replaces the
    /// scheduled wait, capped, but never shortens it below the schedule's first retry.
    public func delay(after attempt: Int, retryAfterSeconds: Int? = nil, random: Double) -> Int64? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        if let seconds = retryAfterSeconds, seconds >= 0 {
            let asked = min(Int64(seconds) * 1000, Self.retryAfterCap)
            return max(asked, delays.first ?? 0)
        }
        let base = Double(delays[attempt - 1])
        return Int64((base * (0.8 + 0.4 * min(max(random, 0), 1))).rounded())
    }
}
