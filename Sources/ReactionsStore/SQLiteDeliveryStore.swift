import ReactionsCore

/// The outbox as the dispatcher and the `deliveries` command see it: due deliveries, the
/// attempts made, dead letters, redelivery.
///
/// One instance is one SQLite connection; use it from one thread at a time.
public final class SQLiteDeliveryStore: DeliveryStore, @unchecked Sendable {
    private let db: SQLiteDatabase
    private lazy var events = EventLog(db)

    public init(path: String) throws(StoreError) {
        db = try SQLiteDatabase(path: path)
        try StoreSchema.migrate(db)
    }

    /// For the dispatcher's connection: attempt records commit without their own fsync
    /// (the next synced commit or checkpoint persists them). A crashed process loses nothing
    /// (the WAL is in the OS cache); a power cut can lose the last attempts, and those
    /// deliveries are attempted again, which at-least-once allows. The deliveries
    /// themselves are always written with the event, fully synced.
    public func relaxAttemptDurability() throws(StoreError) {
        try db.execute("PRAGMA synchronous = NORMAL")
    }

    private static let columns = "id, event_id, event_type, reaction, revision, status, attempts, round_attempts, next_at, created_at, updated_at, last_error"

    private func delivery(_ s: SQLiteStatement) throws(StoreError) -> StoredDelivery {
        guard let status = DeliveryStatus(rawValue: s.text(5)) else { throw .corrupt("delivery \(s.text(0)) has an unknown status \(s.text(5))") }
        return StoredDelivery(id: s.text(0), eventID: s.text(1), eventType: s.text(2), reaction: s.text(3), revision: s.int(4), status: status,
                              attempts: s.int(6), roundAttempts: s.int(7), nextAt: Int64(s.int(8)), createdAt: s.text(9), updatedAt: s.text(10),
                              lastError: s.isNull(11) ? nil : s.text(11))
    }

    // MARK: Dispatching

    private lazy var selectDue = try? db.prepare("""
        SELECT d.id, d.event_id, d.reaction, d.revision, d.attempts, d.round_attempts, e.envelope, e.type, e.time
        FROM deliveries d JOIN events e ON e.id = d.event_id
        WHERE d.status IN ('pending', 'retrying') AND d.next_at <= ?
        ORDER BY d.next_at LIMIT ?
        """)

    /// Deliveries whose attempt is due, oldest first, leaving out those already running.
    public func due(now: Int64, excluding running: Set<String>, limit: Int) throws(StoreError) -> [DueDelivery] {
        guard let s = selectDue else { throw .corrupt("the deliveries table cannot be read; the schema may be damaged") }
        try s.bind(.int(Int(now)), .int(limit + running.count))
        var out: [DueDelivery] = []
        while try s.step() {
            let id = s.text(0)
            if running.contains(id) { continue }
            guard let envelope = StoredEnvelope.envelope(stored: s.envelope(6), id: s.text(1), type: s.text(7), time: s.text(8)) else { throw .corrupt("event \(s.text(1)) cannot be read") }
            out.append(DueDelivery(id: id, eventID: s.text(1), reaction: s.text(2), revision: s.int(3), attempts: s.int(4),
                                   roundAttempts: s.int(5), envelope: envelope))
            if out.count == limit { break }
        }
        try s.run()
        return out
    }

    /// When the earliest waiting delivery is due, if any.
    public func nextDue() throws(StoreError) -> Int64? {
        let s = try db.prepare("SELECT min(next_at) FROM deliveries WHERE status IN ('pending', 'retrying')")
        guard try s.step(), !s.isNull(0) else { return nil }
        return Int64(s.int(0))
    }

    private lazy var insertAttempt = try? db.prepare("""
        INSERT OR REPLACE INTO attempts (delivery_id, number, started_at, milliseconds, succeeded, http_status, exit_status, error, response)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    private lazy var updateDelivery = try? db.prepare("""
        UPDATE deliveries SET status = ?, attempts = attempts + 1, round_attempts = round_attempts + 1, next_at = ?,
        updated_at = ?, last_error = ?, waiting_for = ? WHERE id = ?
        """)

    /// Records finished attempts and their consequences in one transaction (one fsync for
    /// every attempt that finished meanwhile).
    public func record(_ outcomes: [AttemptOutcome]) throws(StoreError) {
        guard let insertAttempt, let updateDelivery else { throw .corrupt("the attempts table cannot be written; the schema may be damaged") }
        try db.transaction { () throws(StoreError) in
            let now = Timestamp.now()
            for outcome in outcomes {
                let a = outcome.attempt
                try insertAttempt.bind(.text(outcome.deliveryID), .int(a.number), .text(a.startedAt), .int(a.milliseconds), .int(a.succeeded ? 1 : 0),
                                       a.httpStatus.map(SQLiteValue.int) ?? .null, a.exitStatus.map(SQLiteValue.int) ?? .null,
                                       a.error.map(SQLiteValue.text) ?? .null, .text(a.response)).run()
                if case .failed(let event, let revision, let firings) = outcome.next {
                    try events.append(event, revision: revision, reactions: firings.reactions)
                }
                let (status, nextAt) = outcome.resulting
                try updateDelivery.bind(.text(status.rawValue), .int(Int(nextAt)), .text(now), a.error.map(SQLiteValue.text) ?? .null,
                                        outcome.waitingFor.map(SQLiteValue.text) ?? .null, .text(outcome.deliveryID)).run()
            }
        }
    }

    // MARK: Reading and redelivery

    public func deliveries(_ query: DeliveryQuery) throws(StoreError) -> [StoredDelivery] {
        let (sql, values) = Self.listing(query)
        let s = try db.prepare(sql)
        try s.bind(values)
        var out: [StoredDelivery] = []
        while try s.step() { out.append(try delivery(s)) }
        return out
    }

    /// The listing's SQL and its values (the schema tests read its query plan).
    static func listing(_ query: DeliveryQuery) -> (sql: String, values: [SQLiteValue]) {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if let status = query.status {
            conditions.append("status = ?")
            values.append(.text(status.rawValue))
            // Spelled as migration 12's partial index, so SQLite may use it (delivered
            // deliveries are not in it: their listing walks the table, where most rows are).
            if status != .delivered { conditions.append("status <> 'delivered'") }
        }
        if let reaction = query.reaction { conditions.append("reaction = ?"); values.append(.text(reaction)) }
        if let event = query.eventID { conditions.append("event_id = ?"); values.append(.text(event)) }
        var sql = "SELECT \(Self.columns) FROM deliveries"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        // Newest first: rows are only ever appended, so rowid is the order they were queued in.
        sql += " ORDER BY rowid DESC LIMIT ?"
        values.append(.int(query.limit))
        return (sql, values)
    }

    /// One delivery with every attempt, oldest first.
    public func delivery(id: String) throws(StoreError) -> StoredDelivery? {
        let s = try db.prepare("SELECT \(Self.columns) FROM deliveries WHERE id = ?")
        try s.bind(.text(id))
        guard try s.step() else { return nil }
        var found = try delivery(s)
        try s.run()
        found.attemptLog = try attempts(of: id)
        return found
    }

    public func attempts(of id: String) throws(StoreError) -> [AttemptRecord] {
        let s = try db.prepare("""
            SELECT number, started_at, milliseconds, succeeded, http_status, exit_status, error, response
            FROM attempts WHERE delivery_id = ? ORDER BY number
            """)
        try s.bind(.text(id))
        var out: [AttemptRecord] = []
        while try s.step() {
            out.append(AttemptRecord(number: s.int(0), startedAt: s.text(1), milliseconds: s.int(2), succeeded: s.int(3) != 0,
                                     httpStatus: s.isNull(4) ? nil : s.int(4), exitStatus: s.isNull(5) ? nil : s.int(5),
                                     error: s.isNull(6) ? nil : s.text(6), response: s.text(7)))
        }
        return out
    }

    /// Queues a delivered or dead-lettered delivery again, with a fresh retry budget. Its
    /// id (the receiver's `webhook-id`) stays, so a receiver that deduplicates still can.
    public func redeliver(id: String, now: Int64) throws(RedeliverError) -> StoredDelivery {
        let result: Result<StoredDelivery, RedeliverError>
        do {
            result = try db.transaction { () throws(StoreError) -> Result<StoredDelivery, RedeliverError> in
                guard try delivery(id: id) != nil else { return .failure(.notFound(id)) }
                // Whatever its status: a retrying one runs now rather than at its next
                // scheduled attempt (which may be hours away), with a fresh retry budget.
                try db.prepare("UPDATE deliveries SET status = 'pending', round_attempts = 0, next_at = ?, updated_at = ?, waiting_for = NULL WHERE id = ?")
                    .bind(.int(Int(now)), .text(Timestamp.format(milliseconds: now)), .text(id)).run()
                guard let updated = try delivery(id: id) else { return .failure(.notFound(id)) }
                return .success(updated)
            }
        } catch {
            throw .store(error)
        }
        return try result.get()
    }

    static let waitingSQL = "SELECT DISTINCT waiting_for FROM deliveries WHERE waiting_for IS NOT NULL"
    static let retryNowSQL = "UPDATE deliveries SET next_at = ?, waiting_for = NULL WHERE waiting_for = ? AND status = 'retrying'"

    /// The sets of secrets (comma-separated names) that retrying deliveries wait for.
    public func waitingForSecrets() throws(StoreError) -> [String] {
        // Only a retrying delivery has `waiting_for` set (recording any other outcome, or a
        // redelivery, clears it), so the partial index answers this alone.
        let s = try db.prepare(Self.waitingSQL)
        var out: [String] = []
        while try s.step() { out.append(s.text(0)) }
        return out
    }

    /// Brings forward to `now` the retrying deliveries that wait for exactly these secrets.
    /// Returns how many.
    public func retryNow(waitingFor secrets: String, now: Int64) throws(StoreError) -> Int {
        try db.transaction { () throws(StoreError) -> Int in
            try db.prepare(Self.retryNowSQL)
                .bind(.int(Int(now)), .text(secrets)).run()
            return db.changes
        }
    }

    public func pruneHorizon() throws(StoreError) -> PruneHorizon {
        try db.pruneHorizon()
    }

    /// Deliveries by status and the rest of `/metrics`' view of the store, from counters.
    public func statistics() throws(StoreError) -> StoreStatistics {
        try db.statistics()
    }
}
