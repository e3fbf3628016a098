import ReactionsCore

/// Which reactions an event fires, asked by the store while it commits the event so that
/// the event and its deliveries land in one transaction (the outbox of DESIGN §4).
///
/// The store does not match anything itself: the runtime (or apply) hands it the matcher of
/// the revision the event arrived under. `mayFire` is a cheap pre-check on the envelope's
/// routing attributes, so events no reaction listens to never have their envelope parsed.
public struct ReactionMatcher: Sendable {
    public let mayFire: @Sendable (_ type: String, _ service: String?, _ endpoint: String?) -> Bool
    public let fire: @Sendable (_ envelope: JSON) -> [String]

    public init(mayFire: @escaping @Sendable (String, String?, String?) -> Bool, fire: @escaping @Sendable (JSON) -> [String]) {
        self.mayFire = mayFire
        self.fire = fire
    }
}

/// Appends events and their outbox rows on one connection, inside the caller's transaction.
/// Every writer of events (deploys, webhooks, apply, dead letters, emitted events) goes
/// through it, so an event is never stored without the deliveries it causes.
final class EventLog {
    private let db: SQLiteDatabase
    private lazy var insertEvent = try? db.prepare("INSERT INTO events (id, type, time, revision, envelope) VALUES (?, ?, ?, ?, ?)")
    private lazy var insertDelivery = try? db.prepare("""
        INSERT INTO deliveries (id, event_id, event_type, reaction, revision, status, attempts, round_attempts, next_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?)
        """)

    /// Deliveries queued through this log so far: lets the writer wake the dispatcher only
    /// when there is something to send.
    private(set) var enqueued = 0

    init(_ db: SQLiteDatabase) { self.db = db }

    /// Stores one event and a delivery for each reaction it fires. Returns how many.
    @discardableResult
    func append(id: String, type: String, time: String, revision: Int?, envelope: JSON, matcher: ReactionMatcher?) throws(StoreError) -> Int {
        try append(id: id, type: type, time: time, revision: revision, envelopeText: envelope.compactText,
                   service: envelope["service"]?.stringValue, endpoint: envelope["endpoint"]?.stringValue,
                   parsed: envelope, matcher: matcher)
    }

    /// The same, for an envelope already written as text (the deploy path builds it as text).
    @discardableResult
    func append(id: String, type: String, time: String, revision: Int?, envelopeText: String, service: String?, endpoint: String?,
                parsed: JSON? = nil, matcher: ReactionMatcher?) throws(StoreError) -> Int {
        guard let insertEvent else { throw .corrupt("the events table cannot be written; the schema may be damaged") }
        try insertEvent.bind(.text(id), .text(type), .text(time), revision.map(SQLiteValue.int) ?? .null, .text(envelopeText)).run()
        guard let matcher, let revision, matcher.mayFire(type, service, endpoint) else { return 0 }
        guard let envelope = parsed ?? (try? JSONParser.value(envelopeText)) else { return 0 }
        let reactions = matcher.fire(envelope)
        guard !reactions.isEmpty else { return 0 }
        guard let insertDelivery else { throw .corrupt("the deliveries table cannot be written; the schema may be damaged") }
        let now = Timestamp.epochMilliseconds()
        let created = Timestamp.now()
        for reaction in reactions {
            try insertDelivery.bind(.text(EventID.make()), .text(id), .text(type), .text(reaction), .int(revision),
                                    .int(Int(now)), .text(created), .text(created)).run()
        }
        enqueued += reactions.count
        return reactions.count
    }
}
