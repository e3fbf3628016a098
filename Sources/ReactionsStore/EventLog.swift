import ReactionsCore

/// Which reactions an event fires, for the revision it arrived under: asked before the
/// event is committed (on the request's thread, never in the single writer), so the store
/// only writes the event and its deliveries in one transaction (the outbox of DESIGN §4).
///
/// `mayFire` is a cheap pre-check on the envelope's routing attributes, so events no
/// reaction listens to are never matched.
public struct ReactionMatcher: Sendable {
    public let mayFire: @Sendable (_ type: String, _ service: String?, _ endpoint: String?) -> Bool
    /// The firings, leaving to the store the clauses on the data fields it sets.
    public let firings: @Sendable (_ event: MatchedEvent, _ storeFields: Set<Firings.StoreField>) -> Firings

    public init(mayFire: @escaping @Sendable (String, String?, String?) -> Bool,
                firings: @escaping @Sendable (MatchedEvent, Set<Firings.StoreField>) -> Firings) {
        self.mayFire = mayFire
        self.firings = firings
    }

    /// For an event the store sets nothing on (webhooks, emitted events, apply, dead letters).
    public func firings(for event: CloudEvent) -> Firings {
        mayFire(event.type, event.service, event.endpoint) ? firings(MatchedEvent(event), []) : .none
    }
}

/// An event as matching reads it: its attributes as they are, its data built only if a
/// clause reads it (a deploy's data is its payload's members plus what the store sets, a
/// copy that most filters never look at).
public struct MatchedEvent {
    /// The attributes; its `data` is not read.
    public let event: CloudEvent
    private let makeData: () -> JSON

    public init(_ event: CloudEvent, data: @escaping () -> JSON) {
        self.event = event
        makeData = data
    }

    public init(_ event: CloudEvent) {
        self.init(event, data: { event.data })
    }

    public var data: JSON { makeData() }

    /// The whole envelope, as the store will write it but for the fields it sets.
    public var envelope: JSON {
        var whole = event
        whole.data = data
        return whole.envelope
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

    /// Stores one event and a delivery for each reaction in `reactions`. Returns how many.
    @discardableResult
    func append(_ event: CloudEvent, revision: Int?, reactions: [String]) throws(StoreError) -> Int {
        try append(id: event.id, type: event.type, time: event.time, revision: revision, envelope: .packed(StoredEnvelope.packed(of: event)),
                   reactions: reactions)
    }

    /// The same, for an envelope already in its stored form (`StoredEnvelope`; the deploy
    /// path prepares it where the request was parsed).
    @discardableResult
    func append(id: String, type: String, time: String, revision: Int?, envelope: StoredEnvelope.Stored, reactions: [String]) throws(StoreError) -> Int {
        guard let insertEvent else { throw .corrupt("the events table cannot be written; the schema may be damaged") }
        try insertEvent.bind(.text(id), .text(type), .text(time), revision.map(SQLiteValue.int) ?? .null, SQLiteValue(envelope)).run()
        guard let revision, !reactions.isEmpty else { return 0 }
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

/// SQLite keeps packed envelopes as blobs and older ones as text, in the same column.
extension SQLiteValue {
    init(_ envelope: StoredEnvelope.Stored) {
        switch envelope {
        case .text(let text): self = .text(text)
        case .packed(let bytes): self = .blob(bytes)
        }
    }
}

extension SQLiteStatement {
    func envelope(_ column: Int32) -> StoredEnvelope.Stored {
        isBlob(column) ? .packed(blob(column)) : .text(text(column))
    }
}
