import Foundation
import ReactionsCore

/// Removes what a `RetentionPolicy` no longer keeps, on a connection of its own, in small
/// batches, so it can run while `serve` records deploys (`serve`'s retention thread and
/// `reactions state prune` both use it).
///
/// Each batch is found by reads that take no lock, then deleted in one short write
/// transaction whose statements re-check what the reads saw (a delivery redelivered
/// in between is not deleted, and neither is its event), so the single writer waits for
/// at most one small transaction.
///
/// The unit is an event: it goes with its deliveries and their attempts, and only when
/// every one of those may go. Events and deliveries are found by id: ids are UUIDv7, so
/// everything made before a cutoff sorts below `EventID.lowerBound` and is one range of
/// an index that exists anyway.
public final class SQLitePruner: StorePruner {
    private let db: SQLiteDatabase

    public init(path: String) throws(StoreError) {
        db = try SQLiteDatabase(path: path)
        try StoreSchema.migrate(db)
    }

    /// Prunes everything older than the cutoffs (milliseconds since the epoch; nil keeps
    /// that kind). `between` runs after each batch (to pause, or to stop by returning
    /// false). A dry run reads and counts, and writes nothing.
    public func prune(eventsBefore: Int64?, deploysBefore: Int64?, dryRun: Bool, batchSize: Int = 200,
                      between: () -> Bool = { true }) throws(StoreError) -> PruneCounts {
        var counts = PruneCounts()
        // Nothing was made before the epoch: a cutoff at or below it removes nothing (an
        // id's lower bound is only defined for times after it).
        if let eventsBefore, eventsBefore > 0 {
            counts += try pruneEvents(before: eventsBefore, dryRun: dryRun, batchSize: batchSize, between: between)
        }
        if let deploysBefore, deploysBefore > 0 {
            counts += try pruneDeploys(before: deploysBefore, dryRun: dryRun, batchSize: batchSize, between: between)
        }
        return counts
    }

    /// Sizes batches so each delete transaction stays near `budgetMicroseconds`: the event
    /// writer waits behind it, and what a row costs varies (a deploy's payload moves into
    /// its row with its last event). Fixed batches of 200 held the lock ~19 ms and doubled
    /// ingestion's p99 while a backlog was pruned.
    struct BatchSizer {
        static let budgetMicroseconds: UInt64 = 2_000
        let maximum: Int
        private(set) var size: Int

        init(maximum: Int) {
            self.maximum = max(1, maximum)
            size = min(self.maximum, 16)
        }

        /// After a batch that took no time at all (a dry run's deploys are only counted).
        mutating func grow() {
            size = min(maximum, size + max(1, size / 2))
        }

        mutating func record(since started: DispatchTime) {
            let took = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000
            if took > Self.budgetMicroseconds {
                size = max(1, size / 2)
            } else if took < Self.budgetMicroseconds / 2 {
                grow()
            }
        }
    }

    // MARK: Events, deliveries, attempts

    private struct Candidate {
        var id: String
        /// For the latest event of a deploy: the deploy, and its payload to keep in its row
        /// (the event held it, migration 5).
        var deploy: (id: Int, payload: String)?
    }

    private func pruneEvents(before cutoff: Int64, dryRun: Bool, batchSize: Int, between: () -> Bool) throws(StoreError) -> PruneCounts {
        let bound = EventID.lowerBound(milliseconds: cutoff)
        let page = try db.prepare("SELECT id, type FROM events WHERE id > ? AND id < ? ORDER BY id LIMIT ?")
        // A delivery that must stay keeps its event: still to be sent, or (made in the same
        // millisecond as the cutoff) not old enough itself.
        let kept = try db.prepare("""
            SELECT 1 FROM deliveries WHERE event_id = ? AND (status IN ('pending', 'retrying') OR id >= ?) LIMIT 1
            """)
        var total = PruneCounts()
        var cursor = ""
        var sizer = BatchSizer(maximum: batchSize)
        while true {
            let size = sizer.size
            try page.bind(.text(cursor), .text(bound), .int(size))
            var batch: [(id: String, type: String)] = []
            while try page.step() { batch.append((page.text(0), page.text(1))) }
            guard let last = batch.last else { break }
            cursor = last.id
            var candidates: [Candidate] = []
            for event in batch {
                try kept.bind(.text(event.id), .text(bound))
                let keep = try kept.step()
                kept.reset()
                if keep { continue }
                candidates.append(Candidate(id: event.id, deploy: event.type.hasPrefix("deploy.") ? try deployHeld(by: event.id) : nil))
            }
            if dryRun {
                let started = DispatchTime.now()
                total += try countEvents(candidates)
                sizer.record(since: started)
            } else if !candidates.isEmpty {
                total += try write(sizing: &sizer) { () throws(StoreError) in try deleteEvents(candidates, bound: bound) }
            }
            if batch.count < size || !between() { break }
        }
        if !dryRun {
            try db.transaction { () throws(StoreError) in
                try db.prepare("UPDATE store_counters SET value = max(value, ?) WHERE name = 'pruned_before.events'").bind(.int(Int(cutoff))).run()
            }
        }
        return total
    }

    /// The deploy whose payload this event holds, if it is still that deploy's latest event.
    private func deployHeld(by eventID: String) throws(StoreError) -> (id: Int, payload: String)? {
        let s = try db.prepare("SELECT envelope FROM events WHERE id = ?")
        try s.bind(.text(eventID))
        guard try s.step(), let data = StoredEnvelope.data(stored: s.envelope(0)), let deployID = data["id"]?.intValue else { return nil }
        let owner = try db.prepare("SELECT 1 FROM deploys WHERE id = ? AND event_id = ? AND payload = ''")
        try owner.bind(.int(deployID), .text(eventID))
        guard try owner.step() else { return nil }
        return (deployID, SQLiteDeployStore.payload(ofData: data).compactText)
    }

    private func countEvents(_ candidates: [Candidate]) throws(StoreError) -> PruneCounts {
        let deliveries = try db.prepare("SELECT count(*) FROM deliveries WHERE event_id = ?")
        let attempts = try db.prepare("SELECT count(*) FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id = ?)")
        var counts = PruneCounts(events: candidates.count)
        for candidate in candidates {
            try deliveries.bind(.text(candidate.id))
            if try deliveries.step() { counts.deliveries += deliveries.int(0) }
            try deliveries.run()
            try attempts.bind(.text(candidate.id))
            if try attempts.step() { counts.attempts += attempts.int(0) }
            try attempts.run()
        }
        return counts
    }

    /// Runs a write transaction and tells the sizer how long it held the write lock: from
    /// BEGIN IMMEDIATE's return to COMMIT's. The wait for the lock grows with the load the
    /// writer is under; counted, it shrank batches to one row each, every one a commit and
    /// an fsync the writer then waited behind.
    func write<T>(sizing sizer: inout BatchSizer, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        var locked = DispatchTime.now()
        let value = try db.transaction { () throws(StoreError) -> T in
            locked = DispatchTime.now()
            return try body()
        }
        sizer.record(since: locked)
        return value
    }

    /// Inside the caller's transaction.
    private func deleteEvents(_ candidates: [Candidate], bound: String) throws(StoreError) -> PruneCounts {
        let done = "event_id = ?1 AND status IN ('delivered', 'failed') AND id < ?2"
        let attempts = try db.prepare("DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE \(done))")
        let deliveries = try db.prepare("DELETE FROM deliveries WHERE \(done)")
        let keepPayload = try db.prepare("UPDATE deploys SET payload = ? WHERE id = ? AND event_id = ? AND payload = ''")
        let event = try db.prepare("DELETE FROM events WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?1)")
        var counts = PruneCounts()
        for candidate in candidates {
            try attempts.bind(.text(candidate.id), .text(bound)).run()
            counts.attempts += db.changes
            try deliveries.bind(.text(candidate.id), .text(bound)).run()
            counts.deliveries += db.changes
            try event.bind(.text(candidate.id)).run()
            guard db.changes == 1 else { continue }
            counts.events += 1
            if let deploy = candidate.deploy {
                try keepPayload.bind(.text(deploy.payload), .int(deploy.id), .text(candidate.id)).run()
            }
        }
        try count(counts)
        return counts
    }

    // MARK: Deploys

    private func pruneDeploys(before cutoff: Int64, dryRun: Bool, batchSize: Int, between: () -> Bool) throws(StoreError) -> PruneCounts {
        // `received_at` is written by this clock in one fixed format, so text order is time order.
        let cutoffText = Timestamp.format(milliseconds: cutoff)
        let page = try db.prepare("""
            SELECT id, coalesce(service_name, service), environment, received_at FROM deploys WHERE id > ? ORDER BY id LIMIT ?
            """)
        // Each service and environment's newest deploy heads its list (migration 13).
        let newer = try db.prepare("SELECT 1 FROM deploy_heads WHERE service = ? AND environment = ? AND deploy_id > ?")
        var total = PruneCounts()
        var cursor = 0
        var reachedCutoff = false
        var sizer = BatchSizer(maximum: batchSize)
        while !reachedCutoff {
            let size = sizer.size
            try page.bind(.int(cursor), .int(size))
            var rows: [(id: Int, key: String, environment: String?)] = []
            var seen = 0
            while try page.step() {
                seen += 1
                cursor = page.int(0)
                guard page.text(3) < cutoffText else { reachedCutoff = true; break }
                rows.append((page.int(0), page.text(1), page.isNull(2) ? nil : page.text(2)))
            }
            page.reset()
            var prunable: [Int] = []
            for row in rows {
                try newer.bind(.text(row.key), .text(row.environment ?? ""), .int(row.id))
                // The latest deploy of each service and environment stays, however old.
                if try newer.step() { prunable.append(row.id) }
                newer.reset()
            }
            if dryRun {
                total.deploys += prunable.count
                sizer.grow()
            } else if !prunable.isEmpty {
                total.deploys += try write(sizing: &sizer) { () throws(StoreError) -> Int in
                    let delete = try db.prepare("DELETE FROM deploys WHERE id = ?")
                    var removed = 0
                    for id in prunable {
                        try delete.bind(.int(id)).run()
                        removed += db.changes
                    }
                    try count(PruneCounts(deploys: removed))
                    return removed
                }
            }
            if seen < size || !between() { break }
        }
        if !dryRun {
            try db.transaction { () throws(StoreError) in
                try db.prepare("UPDATE store_counters SET value = max(value, ?) WHERE name = 'pruned_before.deploys'").bind(.int(Int(cutoff))).run()
            }
        }
        return total
    }

    /// Adds to the running totals `/metrics` shows, in the transaction that removed the rows.
    private func count(_ counts: PruneCounts) throws(StoreError) {
        let add = try db.prepare("UPDATE store_counters SET value = value + ? WHERE name = ?")
        for (name, value) in [("events", counts.events), ("deliveries", counts.deliveries), ("attempts", counts.attempts),
                              ("deploys", counts.deploys)] where value > 0 {
            try add.bind(.int(value), .text("pruned." + name)).run()
        }
    }

    // MARK: Giving space back

    /// Returns every free page to the file system, a step at a time; returns the bytes given back.
    public func giveSpaceBack(pagesPerStep: Int = 256) throws(StoreError) -> Int {
        let pageSize = try db.integer("PRAGMA page_size")
        let before = try db.integer("PRAGMA page_count")
        var free = try db.integer("PRAGMA freelist_count")
        while free > 0 {
            let next = try vacuumStep(pages: pagesPerStep)
            if next >= free { break }
            free = next
        }
        return (before - (try db.integer("PRAGMA page_count"))) * pageSize
    }

    /// Rewrites the whole file (VACUUM) in the incremental mode, for files created before
    /// it: they reuse freed pages but never shrink. It holds the write lock throughout, so
    /// `serve`'s deploys wait for it (up to 15 s, then fail): run it when traffic is low.
    public func compact() throws(StoreError) -> (before: Int, after: Int) {
        let pageSize = try db.integer("PRAGMA page_size")
        let before = try db.integer("PRAGMA page_count") * pageSize
        try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        try db.execute("VACUUM")
        return (before, try db.integer("PRAGMA page_count") * pageSize)
    }

    /// Returns up to `pages` free pages to the file system in one short transaction, if the
    /// file was created for it (see migration 1's caller). Returns the pages still free.
    public func vacuumStep(pages: Int) throws(StoreError) -> Int {
        guard try db.integer("PRAGMA auto_vacuum") == 2 else { return try db.integer("PRAGMA freelist_count") }
        try db.execute("PRAGMA incremental_vacuum(\(max(1, pages)))")
        return try db.integer("PRAGMA freelist_count")
    }
}
