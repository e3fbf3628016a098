import ReactionsCore

/// Retention in PostgreSQL (see `SQLitePruner` for what is kept and why). Each batch is a
/// page of candidate events found without locks, then deleted in one short transaction
/// whose statements re-check what the read saw, so replicas recording deploys meanwhile
/// wait for at most one small transaction. Any replica may run it, several at once: the
/// deletes are conditional, and a row two pruners both delete is counted once.
///
/// Space: PostgreSQL's autovacuum makes deleted rows' space reusable; giving it back to
/// the file system is `VACUUM FULL`'s job, an operator's decision, not this one's.
public final class PostgresPruner: StorePruner {
    private let db: PGConnection

    public init(uri: String) throws(StoreError) {
        db = try PGConnection(uri: uri)
        try PostgresSchema.migrate(db)
    }

    public func prune(eventsBefore: Int64?, deploysBefore: Int64?, dryRun: Bool, batchSize: Int,
                      between: () -> Bool) throws(StoreError) -> PruneCounts {
        var counts = PruneCounts()
        if let eventsBefore, eventsBefore > 0 {
            counts += try pruneEvents(before: eventsBefore, dryRun: dryRun, batchSize: batchSize, between: between)
        }
        if let deploysBefore, deploysBefore > 0 {
            counts += try pruneDeploys(before: deploysBefore, dryRun: dryRun, batchSize: batchSize, between: between)
        }
        return counts
    }

    public func vacuumStep(pages: Int) throws(StoreError) -> Int { 0 }
    public func giveSpaceBack(pagesPerStep: Int) throws(StoreError) -> Int { 0 }

    // MARK: Events, deliveries, attempts

    /// The ids of a batch, as one parameter (`IN (SELECT jsonb_array_elements_text($n::jsonb))`).
    private func list(_ ids: [String]) -> PGValue { .text(JSON.array(ids.map(JSON.string)).compactText) }
    private static let inList = "(SELECT jsonb_array_elements_text($1::jsonb))"

    private func pruneEvents(before cutoff: Int64, dryRun: Bool, batchSize: Int, between: () -> Bool) throws(StoreError) -> PruneCounts {
        let bound = EventID.lowerBound(milliseconds: cutoff)
        var total = PruneCounts()
        var cursor = ""
        while true {
            // Events every delivery of which may go: sent or dead-lettered, and made before the cutoff.
            let page = try db.query("""
                SELECT e.id, e.type, e.envelope FROM events e
                WHERE e.id > $1 AND e.id < $2
                  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND (d.status IN ('pending', 'retrying') OR d.id >= $2))
                ORDER BY e.id LIMIT $3
                """, [.text(cursor), .text(bound), .int(batchSize)])
            guard page.count > 0 else { break }
            cursor = page.text(page.count - 1, 0)
            let ids = (0..<page.count).map { page.text($0, 0) }
            // A deploy's latest event holds its payload (migration 5 of SQLite's schema):
            // the payload moves into the deploy's row when the event goes.
            var held: [String: (deploy: Int, payload: String)] = [:]
            for r in 0..<page.count where page.text(r, 1).hasPrefix("deploy.") {
                if let data = StoredEnvelope.data(stored: page.text(r, 2)), let deploy = data["id"]?.intValue {
                    held[page.text(r, 0)] = (deploy, SQLiteDeployStore.payload(ofData: data).compactText)
                }
            }
            total += dryRun ? try countEvents(ids) : try deleteEvents(ids, bound: bound, held: held)
            if page.count < batchSize || !between() { break }
        }
        if !dryRun {
            try db.query("UPDATE store_counters SET value = greatest(value, $1) WHERE name = 'pruned_before.events'", [.int(Int(cutoff))])
        }
        return total
    }

    private func countEvents(_ ids: [String]) throws(StoreError) -> PruneCounts {
        let rows = try db.query("""
            SELECT (SELECT count(*) FROM deliveries WHERE event_id IN \(Self.inList)),
                   (SELECT count(*) FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id IN \(Self.inList)))
            """, [list(ids)])
        return PruneCounts(events: ids.count, deliveries: rows.int(0, 0), attempts: rows.int(0, 1))
    }

    private func deleteEvents(_ ids: [String], bound: String, held: [String: (deploy: Int, payload: String)]) throws(StoreError) -> PruneCounts {
        try db.retryingTransaction { () throws(StoreError) -> PruneCounts in
            let done = "event_id IN \(Self.inList) AND status IN ('delivered', 'failed') AND id < $2"
            var counts = PruneCounts()
            counts.attempts = try db.query("DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE \(done))",
                                           [list(ids), .text(bound)]).changes
            counts.deliveries = try db.query("DELETE FROM deliveries WHERE \(done)", [list(ids), .text(bound)]).changes
            // A delivery redelivered since the read keeps its event.
            let gone = try db.query("""
                DELETE FROM events e WHERE e.id IN \(Self.inList) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id) RETURNING e.id
                """, [list(ids)])
            counts.events = gone.count
            for r in 0..<gone.count {
                guard let (deploy, payload) = held[gone.text(r, 0)] else { continue }
                try db.query("UPDATE deploys SET payload = $1 WHERE id = $2 AND event_id = $3 AND payload = ''",
                             [.text(payload), .int(deploy), .text(gone.text(r, 0))])
            }
            try count(counts)
            return counts
        }
    }

    // MARK: Deploys

    private func pruneDeploys(before cutoff: Int64, dryRun: Bool, batchSize: Int, between: () -> Bool) throws(StoreError) -> PruneCounts {
        let cutoffText = Timestamp.format(milliseconds: cutoff)
        var total = PruneCounts()
        var cursor = 0
        var reachedCutoff = false
        while !reachedCutoff {
            let page = try db.query("SELECT id, received_at FROM deploys WHERE id > $1 ORDER BY id LIMIT $2", [.int(cursor), .int(batchSize)])
            var old: [Int] = []
            for r in 0..<page.count {
                guard page.text(r, 1) < cutoffText else { reachedCutoff = true; break }
                old.append(page.int(r, 0))
            }
            if let last = old.last { cursor = last }
            // The latest deploy of each service and environment stays, however old.
            let prunable = """
                id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint) AND EXISTS (
                    SELECT 1 FROM deploys n WHERE coalesce(n.service_name, n.service) = coalesce(d.service_name, d.service)
                    AND n.environment IS NOT DISTINCT FROM d.environment AND n.id > d.id)
                """
            let ids = PGValue.text(JSON.array(old.map(JSON.int)).compactText)
            if dryRun {
                total.deploys += try db.query("SELECT count(*) FROM deploys d WHERE \(prunable)", [ids]).int(0, 0)
            } else if !old.isEmpty {
                total.deploys += try db.retryingTransaction { () throws(StoreError) -> Int in
                    let removed = try db.query("DELETE FROM deploys d WHERE \(prunable)", [ids]).changes
                    try count(PruneCounts(deploys: removed))
                    return removed
                }
            }
            if page.count < batchSize || !between() { break }
        }
        if !dryRun {
            try db.query("UPDATE store_counters SET value = greatest(value, $1) WHERE name = 'pruned_before.deploys'", [.int(Int(cutoff))])
        }
        return total
    }

    /// Adds to the running totals `/metrics` shows, in the transaction that removed the rows.
    private func count(_ counts: PruneCounts) throws(StoreError) {
        for (name, value) in [("events", counts.events), ("deliveries", counts.deliveries), ("attempts", counts.attempts),
                              ("deploys", counts.deploys)] where value > 0 {
            try db.query("UPDATE store_counters SET value = value + $1 WHERE name = $2", [.int(value), .text("pruned." + name)])
        }
    }
}
