import ReactionsCore

/// `EventLog` for PostgreSQL: appends an event and a delivery for each reaction it fires,
/// inside the caller's transaction, so an event is never stored without its deliveries.
struct PostgresEventLog {
    let db: PGConnection

    /// Returns how many deliveries were queued.
    @discardableResult
    func append(id: String, type: String, time: String, revision: Int?, envelopeText: String, reactions: [String]) throws(StoreError) -> Int {
        try db.query("INSERT INTO events (id, type, time, revision, envelope) VALUES ($1, $2, $3, $4, $5)",
                     [.text(id), .text(type), .text(time), revision.map(PGValue.int) ?? .null, .text(envelopeText)])
        guard let revision, !reactions.isEmpty else { return 0 }
        let now = Int(Timestamp.epochMilliseconds())
        let created = Timestamp.now()
        for reaction in reactions {
            try db.query("""
                INSERT INTO deliveries (id, event_id, event_type, reaction, revision, status, attempts, round_attempts, next_at, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, 'pending', 0, 0, $6, $7, $7)
                """, [.text(EventID.make()), .text(id), .text(type), .text(reaction), .int(revision), .int(now), .text(created)])
        }
        return reactions.count
    }
}
