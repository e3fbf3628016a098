import ReactionsCore

/// Deploys, suggestions and their events in PostgreSQL (see `SQLiteDeployStore`).
///
/// Several `serve` replicas write here at once, each committing its batches (group
/// commit), so nothing may rest on "one writer": a `dedup_id` is claimed by the unique
/// constraint (`ON CONFLICT`, which waits for a concurrent insert of the same id to commit
/// or roll back), a service's deploy number is an upserted counter row locked until the
/// batch commits, and a webhook message id by the primary key of `webhook_seen`. Two
/// batches can still wait on each other's rows in opposite orders; PostgreSQL then aborts
/// one, and it is run again whole (`PGConnection.retryingTransaction`).
public final class PostgresDeployStore: DeployStore, @unchecked Sendable {
    let db: PGConnection
    private var enqueued = 0

    public init(uri: String) throws(StoreError) {
        db = try PGConnection(uri: uri)
        try PostgresSchema.migrate(db)
    }

    public var deliveriesEnqueued: Int { enqueued }

    public func record(_ batch: [DeployRecord]) throws(StoreError) -> [DeployOutcome] {
        var queued = 0
        let outcomes = try db.retryingTransaction { () throws(StoreError) -> [DeployOutcome] in
            queued = 0
            var outcomes: [DeployOutcome] = []
            outcomes.reserveCapacity(batch.count)
            for part in Self.partsWithDistinctDedupIDs(batch) { outcomes += try recordAsOneBatch(part, queued: &queued) }
            return outcomes
        }
        enqueued += queued
        if queued > 0 { announceDeliveries() }
        return outcomes
    }

    /// When deliveries were last announced (ms since the epoch).
    private var announcedAt: Int64 = 0

    /// Tells the other replicas' dispatchers that deliveries are queued (this replica's own
    /// is woken directly), at most ten times a second and after the commit: NOTIFY takes a
    /// lock at commit that every notifying transaction queues on, so one in each batch would
    /// serialize the replicas' commits (the River and Oban threads on this). A lost
    /// announcement costs a second at most: dispatchers poll.
    private func announceDeliveries() {
        let now = Timestamp.epochMilliseconds()
        guard now - announcedAt >= 100 else { return }
        announcedAt = now
        _ = try? db.query("SELECT pg_notify($1, '')", [.text(PostgresStoreSignal.deliveries)])
    }

    /// The batch cut where a dedup id comes back (a status change inside the batch), so
    /// each part names it once and the next part finds the deploy the previous one wrote.
    static func partsWithDistinctDedupIDs(_ batch: [DeployRecord]) -> [ArraySlice<DeployRecord>] {
        var parts: [ArraySlice<DeployRecord>] = []
        var start = batch.startIndex
        var seen: Set<String> = []
        for (i, record) in batch.enumerated() {
            guard let dedup = record.payload.dedupID else { continue }
            if !seen.insert(dedup).inserted {
                parts.append(batch[start..<i])
                start = i
                seen = [dedup]
            }
        }
        parts.append(batch[start...])
        return parts
    }

    /// Counts a deploy of an undeclared service; the first one raises `service.suggested`.
    func suggest(_ record: DeployRecord) throws(StoreError) -> Int {
        let p = record.payload
        let rows = try db.query("""
            INSERT INTO suggestions (service, endpoint, first_seen, last_seen, deploys, environments)
            VALUES ($1, $2, $3, $3, 1, $4)
            ON CONFLICT (service) DO UPDATE SET last_seen = excluded.last_seen, deploys = suggestions.deploys + 1,
                environments = CASE WHEN $5::text IS NULL OR suggestions.environments::jsonb ? $5::text THEN suggestions.environments
                                    ELSE (suggestions.environments::jsonb || to_jsonb($5::text))::text END
            RETURNING xmax = 0
            """, [.text(p.service), .text(record.endpoint), .text(record.receivedAt),
                  .text(JSON.array(p.environment.map { [JSON.string($0)] } ?? []).compactText), p.environment.map(PGValue.text) ?? .null])
        guard rows.count == 1, rows.text(0, 0) == "t", let (event, firings) = record.suggestion else { return 0 }
        return try PostgresEventLog(db: db).append(id: event.id, type: event.type, time: event.time, revision: record.revision,
                                                   envelopeText: StoredEnvelope.text(of: event), reactions: firings.reactions)
    }

    // MARK: Webhook events

    public func record(received batch: [ReceivedEvent], forgetBefore: Int) throws(StoreError) -> [ReceivedOutcome] {
        var queued = 0
        let outcomes = try db.retryingTransaction { () throws(StoreError) -> [ReceivedOutcome] in
            queued = 0
            try db.query("DELETE FROM webhook_seen WHERE seen_at < $1", [.int(forgetBefore)])
            var outcomes: [ReceivedOutcome] = []
            for record in batch {
                if let messageID = record.messageID, let endpoint = record.endpoint {
                    let claimed = try db.query("""
                        INSERT INTO webhook_seen (endpoint, message_id, event_id, seen_at) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (endpoint, message_id) DO NOTHING RETURNING event_id
                        """, [.text(endpoint), .text(messageID), .text(record.event.id), .int(record.receivedAtSeconds)])
                    if claimed.count == 0 {
                        let seen = try db.query("SELECT event_id FROM webhook_seen WHERE endpoint = $1 AND message_id = $2",
                                                [.text(endpoint), .text(messageID)])
                        outcomes.append(.replay(eventID: seen.count > 0 ? seen.text(0, 0) : ""))
                        continue
                    }
                }
                let reactions = try PostgresEventLog(db: db).append(id: record.event.id, type: record.event.type, time: record.event.time,
                                                                    revision: record.revision, envelopeText: StoredEnvelope.text(of: record.event),
                                                                    reactions: record.firings.reactions)
                queued += reactions
                outcomes.append(.stored(eventID: record.event.id, reactions: reactions))
            }
            return outcomes
        }
        enqueued += queued
        return outcomes
    }

    // MARK: Reading

    private static let columns = """
        d.id, d.endpoint, d.service, d.service_name, d.environment, d.status, d.deploy_number, d.dedup_id, d.deployed_at,
        d.received_at, d.updated_at, d.payload, e.envelope, d.event_id
        """

    public func deploys(_ query: DeployQuery) throws(StoreError) -> [StoredDeploy] {
        var conditions: [String] = []
        var values: [PGValue] = []
        if query.services.count == 1, let service = query.services.first {
            // Written exactly as the index is, so the planner can walk it.
            values.append(.text(service))
            conditions.append("coalesce(d.service_name, d.service) = $\(values.count)")
        } else if !query.services.isEmpty {
            values.append(.text(JSON.array(query.services.map(JSON.string)).compactText))
            conditions.append("coalesce(d.service_name, d.service) IN (SELECT jsonb_array_elements_text($\(values.count)::jsonb))")
        }
        if let environment = query.environment {
            values.append(.text(environment))
            conditions.append("d.environment = $\(values.count)")
        }
        if let since = query.since {
            values.append(.text(since))
            conditions.append("d.received_at >= $\(values.count)")
        }
        values.append(.int(query.limit))
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try db.query("SELECT \(Self.columns) FROM deploys d LEFT JOIN events e ON e.id = d.event_id\(filter) ORDER BY d.id DESC LIMIT $\(values.count)",
                                values)
        return (0..<rows.count).map { r in
            StoredDeploy(id: rows.int(r, 0), endpoint: rows.text(r, 1), service: rows.text(r, 2), serviceName: rows.optionalText(r, 3),
                         environment: rows.optionalText(r, 4), status: rows.text(r, 5), deployNumber: rows.text(r, 6),
                         dedupID: rows.optionalText(r, 7), deployedAt: rows.text(r, 8), receivedAt: rows.text(r, 9), updatedAt: rows.text(r, 10),
                         payload: SQLiteDeployStore.payload(stored: rows.text(r, 11), envelope: rows.optionalText(r, 12).map(StoredEnvelope.Stored.text)),
                         eventID: rows.optionalText(r, 13))
        }
    }

    public func suggestions() throws(StoreError) -> [Suggestion] {
        let rows = try db.query("SELECT service, endpoint, first_seen, last_seen, deploys, environments FROM suggestions ORDER BY deploys DESC, service")
        return (0..<rows.count).map { r in
            Suggestion(service: rows.text(r, 0), endpoint: rows.text(r, 1), firstSeen: rows.text(r, 2), lastSeen: rows.text(r, 3),
                       deploys: rows.int(r, 4),
                       environments: ((try? JSONParser.value(rows.text(r, 5)))?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }

    public func events(type: String?, limit: Int) throws(StoreError) -> [JSON] {
        let rows = type == nil
            ? try db.query("SELECT envelope, id, type, time FROM events ORDER BY seq DESC LIMIT $1", [.int(limit)])
            : try db.query("SELECT envelope, id, type, time FROM events WHERE type = $1 ORDER BY seq DESC LIMIT $2", [type.map(PGValue.text) ?? .null, .int(limit)])
        return (0..<rows.count).compactMap { r in
            StoredEnvelope.envelope(stored: rows.text(r, 0), id: rows.text(r, 1), type: rows.text(r, 2), time: rows.text(r, 3))
        }
    }

    public func eachEvent(since: Int64?, limit: Int?, _ each: (JSON) -> Bool) throws(StoreError) {
        // As SQLite pages them: by id (UUIDv7, time-ordered), downwards, a page per query.
        let floor = since.map(EventID.lowerBound(milliseconds:)) ?? ""
        var cursor = "g"  // above every id: they are lowercase hex
        var left = limit ?? Int.max
        while left > 0 {
            let page = min(left, SQLiteDeployStore.eventPage)
            let rows = try db.query("SELECT envelope, id, type, time FROM events WHERE id >= $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                                    [.text(floor), .text(cursor), .int(page)])
            for r in 0..<rows.count {
                cursor = rows.text(r, 1)
                guard let envelope = StoredEnvelope.envelope(stored: rows.text(r, 0), id: cursor, type: rows.text(r, 2), time: rows.text(r, 3)) else {
                    throw .corrupt("event \(cursor) cannot be read")
                }
                if !each(envelope) { return }
            }
            left -= rows.count
            if rows.count < page { return }
        }
    }

    public func event(id: String) throws(StoreError) -> (envelope: JSON, revision: Int?)? {
        let rows = try db.query("SELECT envelope, revision, type, time FROM events WHERE id = $1", [.text(id)])
        guard rows.count > 0 else { return nil }
        guard let envelope = StoredEnvelope.envelope(stored: rows.text(0, 0), id: id, type: rows.text(0, 2), time: rows.text(0, 3)) else {
            throw .corrupt("event \(id) cannot be read")
        }
        return (envelope, rows.isNull(0, 1) ? nil : rows.int(0, 1))
    }

    public func pruneHorizon() throws(StoreError) -> PruneHorizon {
        try db.pruneHorizon()
    }
}
