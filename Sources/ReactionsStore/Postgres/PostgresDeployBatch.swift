import ReactionsCore

/// A batch of deploys in a fixed number of statements, whatever its size: each round trip
/// to PostgreSQL costs more than the row it writes, so one per deploy (as the statement-by-
/// statement path takes) held a replica to about 2,000 deploys a second.
///
/// It takes the same locks in a fixed order (the batch's dedup ids, then its services'
/// counters, each sorted), so two replicas' batches queue rather than deadlock. A batch
/// names each dedup id at most once (`record` cuts it where one comes back).
extension PostgresDeployStore {
    func recordAsOneBatch(_ part: ArraySlice<DeployRecord>, queued: inout Int) throws(StoreError) -> [DeployOutcome] {
        let batch = Array(part)
        let dedups = batch.compactMap(\.payload.dedupID)

        // 1. Deploys already holding the batch's dedup ids, locked until commit.
        var known: [String: (id: Int, status: String)] = [:]
        if !dedups.isEmpty {
            let rows = try db.query("""
                SELECT dedup_id, id, status FROM deploys WHERE dedup_id IN (SELECT jsonb_array_elements_text($1::jsonb))
                ORDER BY dedup_id FOR UPDATE
                """, [Self.list(dedups.sorted())])
            for r in 0..<rows.count { known[rows.text(r, 0)] = (rows.int(r, 1), rows.text(r, 2)) }
        }
        var created: [Int] = []                       // indexes into `batch`
        var outcomes: [DeployOutcome?] = Array(repeating: nil, count: batch.count)
        var updates: [(index: Int, id: Int)] = []
        for (i, record) in batch.enumerated() {
            if let dedup = record.payload.dedupID, let existing = known[dedup] {
                if existing.status == record.payload.status.rawValue {
                    outcomes[i] = .duplicate(deployID: existing.id)
                } else {
                    updates.append((i, existing.id))
                }
            } else {
                created.append(i)
            }
        }

        // 2. Numbers: every counter the new deploys touch, created if missing, then locked in
        // service order; numbered here in the batch's order, as SQLite's store does.
        let keys = Array(Set(created.map { batch[$0].serviceName ?? batch[$0].payload.service })).sorted()
        var counters: [String: Int] = [:]
        if !keys.isEmpty {
            try db.query("""
                INSERT INTO deploy_counters (service, last_number) SELECT jsonb_array_elements_text($1::jsonb), 0
                ON CONFLICT (service) DO NOTHING
                """, [Self.list(keys)])
            let rows = try db.query("""
                SELECT service, last_number FROM deploy_counters WHERE service IN (SELECT jsonb_array_elements_text($1::jsonb))
                ORDER BY service FOR UPDATE
                """, [Self.list(keys)])
            for r in 0..<rows.count { counters[rows.text(r, 0)] = rows.int(r, 1) }
        }
        var numbers: [Int: String] = [:]
        for i in created {
            let p = batch[i].payload
            let key = batch[i].serviceName ?? p.service
            if let sent = p.deployNumber {
                numbers[i] = sent
                if let value = SQLiteDeployStore.counterValue(sent), value > counters[key, default: 0] { counters[key] = value }
            } else {
                let next = counters[key, default: 0] + 1
                counters[key] = next
                numbers[i] = String(next)
            }
        }

        // 3. Ids from the sequence, then the rows.
        var ids: [Int: Int] = [:]
        if !created.isEmpty {
            let rows = try db.query("SELECT nextval(pg_get_serial_sequence('deploys', 'id')) FROM generate_series(1, $1::int)", [.int(created.count)])
            let drawn = (0..<rows.count).map { rows.int($0, 0) }.sorted()
            for (i, id) in zip(created, drawn) { ids[i] = id }
            let inserted = try db.query("""
                INSERT INTO deploys (id, endpoint, service, service_name, environment, status, deploy_number, dedup_id, deployed_at,
                                     received_at, updated_at, revision, payload, event_id)
                SELECT id, endpoint, service, service_name, environment, status, deploy_number, dedup_id, deployed_at,
                       received_at, received_at, revision, '', event_id
                FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, endpoint text, service text, service_name text, environment text,
                     status text, deploy_number text, dedup_id text, deployed_at text, received_at text, revision bigint, event_id text)
                ON CONFLICT (dedup_id) DO NOTHING RETURNING id
                """, [.text(JSON.array(created.map { i in
                    let r = batch[i], p = r.payload
                    return JSON.object([
                        .init("id", .int(ids[i] ?? 0)), .init("endpoint", .string(r.endpoint)), .init("service", .string(p.service)),
                        .init("service_name", r.serviceName.map(JSON.string) ?? .null), .init("environment", p.environment.map(JSON.string) ?? .null),
                        .init("status", .string(p.status.rawValue)), .init("deploy_number", .string(numbers[i] ?? "")),
                        .init("dedup_id", p.dedupID.map(JSON.string) ?? .null), .init("deployed_at", .string(p.deployedAtUTC)),
                        .init("received_at", .string(r.receivedAt)), .init("revision", .int(r.revision)), .init("event_id", .string(r.eventID)),
                    ])
                }).compactText)])
            guard inserted.count == created.count else {
                // Another replica committed one of these dedup ids after step 1 read them:
                // run the batch again, which now finds it.
                throw .postgres(state: "40001", message: "a dedup_id was recorded by another replica meanwhile")
            }
            try db.query("""
                UPDATE deploy_counters c SET last_number = x.value::bigint FROM jsonb_each_text($1::jsonb) x WHERE c.service = x.key
                """, [.text(JSON.object(keys.map { .init($0, .int(counters[$0] ?? 0)) }).compactText)])
        }
        if !updates.isEmpty {
            try db.query("""
                UPDATE deploys d SET status = x.status, updated_at = x.updated_at, payload = '', event_id = x.event_id
                FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, status text, updated_at text, event_id text) WHERE d.id = x.id
                """, [.text(JSON.array(updates.map { u in
                    let r = batch[u.index]
                    return JSON.object([.init("id", .int(u.id)), .init("status", .string(r.payload.status.rawValue)),
                                        .init("updated_at", .string(r.receivedAt)), .init("event_id", .string(r.eventID))])
                }).compactText)])
        }

        // 4. Their events and deliveries.
        var events: [PostgresEventLog.Row] = []
        for i in created {
            let r = batch[i]
            guard let id = ids[i], let number = numbers[i] else { continue }
            events.append(.init(id: r.eventID, type: r.payload.status.eventType, time: r.receivedAt, revision: r.revision,
                                envelopeText: try Self.text(r.envelope(deployID: id, deployNumber: number)),
                                reactions: r.firings.resolve(id: id, deployNumber: .string(number))))
            outcomes[i] = .created(deployID: id, deployNumber: number, eventID: r.eventID)
        }
        for u in updates {
            let r = batch[u.index]
            events.append(.init(id: r.eventID, type: r.payload.status.eventType, time: r.receivedAt, revision: r.revision,
                                envelopeText: try Self.text(r.envelope(deployID: u.id, deployNumber: nil)),
                                reactions: r.firings.resolve(id: u.id, deployNumber: r.sentDeployNumber)))
            outcomes[u.index] = .updated(deployID: u.id, eventID: r.eventID)
        }
        queued += try PostgresEventLog(db: db).append(events)
        for i in created where batch[i].serviceName == nil { queued += try suggest(batch[i]) }
        return outcomes.map { $0 ?? .duplicate(deployID: 0) }
    }

    /// Strings as one parameter, for `IN (SELECT jsonb_array_elements_text($n::jsonb))`.
    static func list(_ strings: [String]) -> PGValue { .text(JSON.array(strings.map(JSON.string)).compactText) }

    /// PostgreSQL keeps envelopes as text; a record prepared packed (not by serve, which
    /// asks the store's form) is spelled out here.
    static func text(_ envelope: StoredEnvelope.Stored) throws(StoreError) -> String {
        guard let text = StoredEnvelope.text(of: envelope) else { throw .corrupt("a deploy's event could not be written as text") }
        return text
    }
}
