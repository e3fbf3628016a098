import ReactionsCore

/// `EventLog` for PostgreSQL: appends events and a delivery for each reaction they fire,
/// inside the caller's transaction, so an event is never stored without its deliveries.
struct PostgresEventLog {
    let db: PGConnection

    /// One event to append, its envelope in its stored form (`StoredEnvelope`).
    struct Row {
        var id: String
        var type: String
        var time: String
        var revision: Int?
        var envelopeText: String
        var reactions: [String]
    }

    /// Returns how many deliveries were queued.
    @discardableResult
    func append(id: String, type: String, time: String, revision: Int?, envelopeText: String, reactions: [String]) throws(StoreError) -> Int {
        try append([Row(id: id, type: type, time: time, revision: revision, envelopeText: envelopeText, reactions: reactions)])
    }

    /// Many events in two statements (the events, then every delivery they cause).
    @discardableResult
    func append(_ rows: [Row]) throws(StoreError) -> Int {
        guard !rows.isEmpty else { return 0 }
        try db.query("""
            INSERT INTO events (id, type, time, revision, envelope)
            SELECT id, type, time, revision, envelope
            FROM jsonb_to_recordset($1::jsonb) AS x(id text, type text, time text, revision bigint, envelope text)
            """, [.text(JSON.array(rows.map { row in
                JSON.object([.init("id", .string(row.id)), .init("type", .string(row.type)), .init("time", .string(row.time)),
                             .init("revision", row.revision.map(JSON.int) ?? .null), .init("envelope", .string(row.envelopeText))])
            }).compactText)])
        var deliveries: [JSON] = []
        for row in rows {
            guard let revision = row.revision else { continue }
            for reaction in row.reactions {
                deliveries.append(.object([.init("id", .string(EventID.make())), .init("event_id", .string(row.id)),
                                           .init("event_type", .string(row.type)), .init("reaction", .string(reaction)),
                                           .init("revision", .int(revision))]))
            }
        }
        guard !deliveries.isEmpty else { return 0 }
        try db.query("""
            INSERT INTO deliveries (id, event_id, event_type, reaction, revision, status, attempts, round_attempts, next_at, created_at, updated_at)
            SELECT id, event_id, event_type, reaction, revision, 'pending', 0, 0, $2, $3, $3
            FROM jsonb_to_recordset($1::jsonb) AS x(id text, event_id text, event_type text, reaction text, revision bigint)
            """, [.text(JSON.array(deliveries).compactText), .int(Int(Timestamp.epochMilliseconds())), .text(Timestamp.now())])
        return deliveries.count
    }
}
