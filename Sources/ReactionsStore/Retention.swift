import ReactionsCore

/// How long the store keeps what it records (DESIGN §4's outbox and event log grow with
/// every deploy; the deploys themselves are the record teams query, so they are kept
/// unless asked).
///
/// Never removed, whatever the policy: a delivery that is pending or retrying, its event and
/// its attempts; the latest deploy of each service and environment.
public struct RetentionPolicy: Sendable, Equatable {
    /// Events, their deliveries and attempts older than this are removed; nil keeps them.
    public var events: DurationValue?
    /// Deploys older than this are removed; nil keeps them.
    public var deploys: DurationValue?

    public init(events: DurationValue?, deploys: DurationValue?) {
        self.events = events
        self.deploys = deploys
    }

    /// `serve`'s default: events for 30 days (as Stripe and Convoy keep theirs), deploys forever.
    public static let standard = RetentionPolicy(events: .init(milliseconds: 30 * 86_400_000), deploys: nil)

    /// How a period reads back in logs and output: `30d`, `36h`, `forever`.
    public static func describe(_ period: DurationValue?) -> String {
        guard let period else { return "forever" }
        let day: Int64 = 86_400_000
        return period.milliseconds % day == 0 ? "\(period.milliseconds / day)d" : period.description
    }

    /// The periods as the times before which rows go, from `now`.
    /// A period longer than the time since the epoch keeps everything (a cutoff of 0).
    public func cutoffs(now: Int64) -> (events: Int64?, deploys: Int64?) {
        (events.map { Self.cutoff(now: now, keeping: $0) }, deploys.map { Self.cutoff(now: now, keeping: $0) })
    }

    public static func cutoff(now: Int64, keeping period: DurationValue) -> Int64 {
        max(0, now - period.milliseconds)
    }
}

/// Rows removed (or, in a dry run, that would be).
public struct PruneCounts: Sendable, Equatable {
    public var events = 0
    public var deliveries = 0
    public var attempts = 0
    public var deploys = 0

    public init(events: Int = 0, deliveries: Int = 0, attempts: Int = 0, deploys: Int = 0) {
        self.events = events
        self.deliveries = deliveries
        self.attempts = attempts
        self.deploys = deploys
    }

    public var total: Int { events + deliveries + attempts + deploys }

    public static func += (a: inout PruneCounts, b: PruneCounts) {
        a.events += b.events
        a.deliveries += b.deliveries
        a.attempts += b.attempts
        a.deploys += b.deploys
    }
}

/// Tells an id that retention removed from one that was never recorded: ids are UUIDv7,
/// and the store remembers the time before which it pruned (no tombstone per row).
public struct PruneHorizon: Sendable, Equatable {
    /// Milliseconds since the epoch; 0: nothing was ever pruned.
    public var before: Int64

    public init(before: Int64) { self.before = before }

    /// Why `id` is not found, when the answer is retention.
    public func explainMissing(_ id: String, kind: String) -> String? {
        guard before > 0, let made = EventID.milliseconds(of: id), made < before else { return nil }
        return "\(kind) \(id) (made \(Timestamp.format(milliseconds: made))) was removed by retention: "
            + "what was received before \(Timestamp.format(milliseconds: before)) has been pruned (serve --retention, reactions state prune)"
    }
}
