import ReactionsCore

/// The outbox in PostgreSQL (see `SQLiteDeliveryStore`), dispatched by every replica at once.
///
/// A replica claims due deliveries with `FOR UPDATE SKIP LOCKED` and a lease: claiming moves
/// a delivery's `next_at` one lease ahead, so no other replica sees it due while the attempt
/// runs, and recording the attempt sets the real next time. The dispatcher extends the
/// leases of its running attempts (`extendClaims`) well before they lapse; a replica that
/// dies mid-attempt stops extending, and after one lease another replica takes the delivery
/// up again (at least once, as DESIGN §4 promises).
public final class PostgresDeliveryStore: DeliveryStore, @unchecked Sendable {
    private let db: PGConnection
    /// How long a claim holds a delivery without being extended (milliseconds).
    public let leaseMilliseconds: Int64

    public init(uri: String, leaseMilliseconds: Int64 = 30_000) throws(StoreError) {
        db = try PGConnection(uri: uri)
        self.leaseMilliseconds = leaseMilliseconds
        try PostgresSchema.migrate(db)
    }

    private static let columns = "id, event_id, event_type, reaction, revision, status, attempts, round_attempts, next_at, created_at, updated_at, last_error"

    private func delivery(_ rows: PGResult, _ r: Int) throws(StoreError) -> StoredDelivery {
        guard let status = DeliveryStatus(rawValue: rows.text(r, 5)) else {
            throw .corrupt("delivery \(rows.text(r, 0)) has an unknown status \(rows.text(r, 5))")
        }
        return StoredDelivery(id: rows.text(r, 0), eventID: rows.text(r, 1), eventType: rows.text(r, 2), reaction: rows.text(r, 3),
                              revision: rows.int(r, 4), status: status, attempts: rows.int(r, 6), roundAttempts: rows.int(r, 7),
                              nextAt: Int64(rows.int(r, 8)), createdAt: rows.text(r, 9), updatedAt: rows.text(r, 10),
                              lastError: rows.optionalText(r, 11))
    }

    // MARK: Dispatching

    /// Claims due deliveries, oldest first, for one lease.
    public func due(now: Int64, excluding running: Set<String>, limit: Int) throws(StoreError) -> [DueDelivery] {
        guard limit > 0 else { return [] }
        let rows = try db.query("""
            WITH claimed AS (
                UPDATE deliveries SET next_at = $2
                WHERE seq IN (SELECT seq FROM deliveries WHERE status IN ('pending', 'retrying') AND next_at <= $1
                              ORDER BY next_at LIMIT $3 FOR UPDATE SKIP LOCKED)
                RETURNING id, event_id, reaction, revision, attempts, round_attempts
            )
            SELECT c.id, c.event_id, c.reaction, c.revision, c.attempts, c.round_attempts, e.envelope, e.type, e.time
            FROM claimed c JOIN events e ON e.id = c.event_id
            """, [.int(Int(now)), .int(Int(now + leaseMilliseconds)), .int(limit)])
        var out: [DueDelivery] = []
        for r in 0..<rows.count where !running.contains(rows.text(r, 0)) {
            guard let envelope = StoredEnvelope.envelope(stored: rows.text(r, 6), id: rows.text(r, 1), type: rows.text(r, 7), time: rows.text(r, 8)) else {
                throw .corrupt("event \(rows.text(r, 1)) cannot be read")
            }
            out.append(DueDelivery(id: rows.text(r, 0), eventID: rows.text(r, 1), reaction: rows.text(r, 2), revision: rows.int(r, 3),
                                   attempts: rows.int(r, 4), roundAttempts: rows.int(r, 5), envelope: envelope))
        }
        return out
    }

    public var claimLease: Int64? { leaseMilliseconds }

    public func extendClaims(_ ids: Set<String>, now: Int64) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try db.query("""
            UPDATE deliveries SET next_at = $1
            WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)) AND status IN ('pending', 'retrying')
            """, [.int(Int(now + leaseMilliseconds)), .text(JSON.array(ids.sorted().map(JSON.string)).compactText)])
    }

    public func nextDue() throws(StoreError) -> Int64? {
        let rows = try db.query("SELECT min(next_at) FROM deliveries WHERE status IN ('pending', 'retrying')")
        return rows.count > 0 && !rows.isNull(0, 0) ? Int64(rows.int(0, 0)) : nil
    }

    /// For the dispatcher's connection, as SQLite's `relaxAttemptDurability`: claims and
    /// attempt records commit without waiting for their WAL flush. A crash of the database
    /// server can lose the last of them, and those deliveries are attempted again, which
    /// at-least-once allows; deliveries themselves are written with their event, durably.
    public func relaxAttemptDurability() throws(StoreError) {
        try db.execute("SET synchronous_commit = off")
    }

    /// Records attempts in three statements however many finished (attempts, deliveries,
    /// then any dead letters' events), in one transaction.
    public func record(_ outcomes: [AttemptOutcome]) throws(StoreError) {
        guard !outcomes.isEmpty else { return }
        let now = Timestamp.now()
        var attempts: [JSON] = [], moves: [JSON] = [], deadLetters: [PostgresEventLog.Row] = []
        for outcome in outcomes {
            let a = outcome.attempt
            attempts.append(.object([
                .init("delivery_id", .string(outcome.deliveryID)), .init("number", .int(a.number)), .init("started_at", .string(a.startedAt)),
                .init("milliseconds", .int(a.milliseconds)), .init("succeeded", .bool(a.succeeded)),
                .init("http_status", a.httpStatus.map(JSON.int) ?? .null), .init("exit_status", a.exitStatus.map(JSON.int) ?? .null),
                .init("error", a.error.map(JSON.string) ?? .null), .init("response", .string(a.response)),
            ]))
            if case .failed(let event, let revision, let firings) = outcome.next {
                deadLetters.append(.init(id: event.id, type: event.type, time: event.time, revision: revision,
                                         envelopeText: StoredEnvelope.text(of: event), reactions: firings.reactions))
            }
            let (status, nextAt) = outcome.resulting
            moves.append(.object([.init("id", .string(outcome.deliveryID)), .init("status", .string(status.rawValue)),
                                  .init("next_at", .int(Int(nextAt))), .init("last_error", a.error.map(JSON.string) ?? .null),
                                  .init("waiting_for", outcome.waitingFor.map(JSON.string) ?? .null)]))
        }
        try db.retryingTransaction { () throws(StoreError) in
            // An attempt recorded twice (a lease lapsed and another replica tried too)
            // keeps the later record, as SQLite's INSERT OR REPLACE does.
            try db.query("""
                INSERT INTO attempts (delivery_id, number, started_at, milliseconds, succeeded, http_status, exit_status, error, response)
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(delivery_id text, number integer, started_at text, milliseconds integer,
                     succeeded boolean, http_status integer, exit_status integer, error text, response text)
                ON CONFLICT (delivery_id, number) DO UPDATE SET started_at = excluded.started_at, milliseconds = excluded.milliseconds,
                    succeeded = excluded.succeeded, http_status = excluded.http_status, exit_status = excluded.exit_status,
                    error = excluded.error, response = excluded.response
                """, [.text(JSON.array(attempts).compactText)])
            try db.query("""
                UPDATE deliveries d SET status = x.status, attempts = d.attempts + 1, round_attempts = d.round_attempts + 1, next_at = x.next_at,
                    updated_at = $2, last_error = x.last_error, waiting_for = x.waiting_for
                FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text, next_at bigint, last_error text, waiting_for text)
                WHERE d.id = x.id
                """, [.text(JSON.array(moves).compactText), .text(now)])
            try PostgresEventLog(db: db).append(deadLetters)
        }
    }

    // MARK: Reading and redelivery

    public func deliveries(_ query: DeliveryQuery) throws(StoreError) -> [StoredDelivery] {
        var conditions: [String] = []
        var values: [PGValue] = []
        if let status = query.status { values.append(.text(status.rawValue)); conditions.append("status = $\(values.count)") }
        if let reaction = query.reaction { values.append(.text(reaction)); conditions.append("reaction = $\(values.count)") }
        if let event = query.eventID { values.append(.text(event)); conditions.append("event_id = $\(values.count)") }
        values.append(.int(query.limit))
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try db.query("SELECT \(Self.columns) FROM deliveries\(filter) ORDER BY seq DESC LIMIT $\(values.count)", values)
        var out: [StoredDelivery] = []
        for r in 0..<rows.count { out.append(try delivery(rows, r)) }
        return out
    }

    public func delivery(id: String) throws(StoreError) -> StoredDelivery? {
        let rows = try db.query("SELECT \(Self.columns) FROM deliveries WHERE id = $1", [.text(id)])
        guard rows.count > 0 else { return nil }
        var found = try delivery(rows, 0)
        found.attemptLog = try attempts(of: id)
        return found
    }

    public func attempts(of id: String) throws(StoreError) -> [AttemptRecord] {
        let rows = try db.query("""
            SELECT number, started_at, milliseconds, succeeded, http_status, exit_status, error, response
            FROM attempts WHERE delivery_id = $1 ORDER BY number
            """, [.text(id)])
        return (0..<rows.count).map { r in
            AttemptRecord(number: rows.int(r, 0), startedAt: rows.text(r, 1), milliseconds: rows.int(r, 2), succeeded: rows.text(r, 3) == "t",
                          httpStatus: rows.isNull(r, 4) ? nil : rows.int(r, 4), exitStatus: rows.isNull(r, 5) ? nil : rows.int(r, 5),
                          error: rows.optionalText(r, 6), response: rows.text(r, 7))
        }
    }

    public func redeliver(id: String, now: Int64) throws(RedeliverError) -> StoredDelivery {
        let updated: StoredDelivery?
        do {
            updated = try db.transaction { () throws(StoreError) -> StoredDelivery? in
                let changed = try db.query("""
                    UPDATE deliveries SET status = 'pending', round_attempts = 0, next_at = $1, updated_at = $2, waiting_for = NULL WHERE id = $3
                    """, [.int(Int(now)), .text(Timestamp.format(milliseconds: now)), .text(id)])
                return changed.changes == 0 ? nil : try delivery(id: id)
            }
        } catch {
            throw .store(error)
        }
        guard let updated else { throw .notFound(id) }
        return updated
    }

    public func waitingForSecrets() throws(StoreError) -> [String] {
        let rows = try db.query("SELECT DISTINCT waiting_for FROM deliveries WHERE waiting_for IS NOT NULL")
        return (0..<rows.count).map { rows.text($0, 0) }
    }

    public func retryNow(waitingFor secrets: String, now: Int64) throws(StoreError) -> Int {
        try db.query("UPDATE deliveries SET next_at = $1, waiting_for = NULL WHERE waiting_for = $2 AND status = 'retrying'",
                     [.int(Int(now)), .text(secrets)]).changes
    }

    public func pruneHorizon() throws(StoreError) -> PruneHorizon {
        try db.pruneHorizon()
    }

    /// From the sharded counters (migration 2) and the database's size.
    public func statistics() throws(StoreError) -> StoreStatistics {
        var out = StoreStatistics()
        for status in DeliveryStatus.allCases { out.deliveries[status] = 0 }
        let counts = try db.query("""
            SELECT name, sum(value) FROM store_counts GROUP BY name
            UNION ALL SELECT name, value FROM store_counters WHERE name LIKE 'pruned.%'
            UNION ALL SELECT 'bytes', pg_database_size(current_database())
            """)
        for r in 0..<counts.count {
            if counts.text(r, 0) == "bytes" { out.fileBytes = counts.int(r, 1) } else { out.count(counts.text(r, 0), counts.int(r, 1)) }
        }
        return out
    }
}
