import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// Retention on a real state file. Everything is made now, so "older than" is a cutoff a
/// little in the future: the same as pruning a store whose rows have aged past it.
@Suite struct RetentionTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-retention-\(UUID().uuidString)/state.db").path

    /// A minute from now: everything recorded so far is older than this.
    var soon: Int64 { Timestamp.epochMilliseconds() + 60_000 }

    @Test func theFileGivesTheSpaceBack() throws {
        let store = try SQLiteDeployStore(path: path)
        let long = String(repeating: "x", count: 2_000)
        for i in 0..<20 { _ = try store.record((0..<50).map { j in try RetentionContractTests.deploy(description: long, dedup: "\(i)-\(j)", reactions: ["mark"]) }) }
        let outbox = try SQLiteDeliveryStore(path: path)
        let due = try outbox.due(now: Timestamp.epochMilliseconds(), excluding: [], limit: 2_000)
        try outbox.record(due.map { AttemptOutcome(deliveryID: $0.id, attempt: RetentionContractTests.attempt(ok: true), next: .delivered) })
        // Checkpoint, so the file holds the rows (as serve's checkpointer would).
        let db = try SQLiteDatabase(path: path)
        _ = try db.checkpoint(.restart)
        let full = try outbox.statistics()
        #expect(full.incrementalVacuum, "a new store is created to give space back")
        let pruner = try SQLitePruner(path: path)
        let counts = try pruner.prune(eventsBefore: soon, deploysBefore: soon, dryRun: false)
        #expect(counts.events == 1_000 && counts.deliveries == 1_000 && counts.attempts == 1_000 && counts.deploys == 999)
        _ = try db.checkpoint(.restart)
        #expect(try outbox.statistics().freeBytes > 1_000_000, "pruned rows leave free pages")
        let given = try pruner.giveSpaceBack()
        _ = try db.checkpoint(.restart)
        let after = try outbox.statistics()
        #expect(given > 1_000_000 && after.freeBytes == 0)
        #expect(after.fileBytes < full.fileBytes / 4, "\(full.fileBytes) → \(after.fileBytes)")
        let onDisk = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(onDisk == after.fileBytes)
    }

    @Test func prunersFindTheirRowsThroughIndexes() throws {
        _ = try SQLiteDeployStore(path: path)
        let db = try SQLiteDatabase(path: path)
        func plan(_ sql: String) throws -> String {
            let s = try db.prepare("EXPLAIN QUERY PLAN " + sql)
            var lines: [String] = []
            while try s.step() { lines.append(s.text(3)) }
            return lines.joined(separator: "; ")
        }
        #expect(try plan("SELECT id, type FROM events WHERE id > ? AND id < ? ORDER BY id LIMIT ?").contains("USING INDEX sqlite_autoindex_events_1 (id>? AND id<?)"))
        #expect(try plan("SELECT 1 FROM deliveries WHERE event_id = ? AND (status IN ('pending', 'retrying') OR id >= ?) LIMIT 1")
            .contains("USING INDEX deliveries_by_event (event_id=?)"))
        #expect(try plan("SELECT 1 FROM deploy_heads WHERE service = ? AND environment = ? AND deploy_id > ?")
            == "SEARCH deploy_heads USING PRIMARY KEY (service=? AND environment=?)")
        let done = "event_id = ?1 AND status IN ('delivered', 'failed') AND id < ?2"
        let attempts = try plan("DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE \(done))")
        #expect(attempts.contains("attempts USING PRIMARY KEY (delivery_id=?)")
                && attempts.contains("deliveries_by_event (event_id=?)"), "\(attempts)")
        #expect(try plan("DELETE FROM deliveries WHERE \(done)").contains("USING INDEX deliveries_by_event (event_id=?)"))
        #expect(try plan("DELETE FROM events WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?1)")
            .contains("SEARCH events USING INDEX sqlite_autoindex_events_1 (id=?)"))
        #expect(try plan("SELECT id, coalesce(service_name, service), environment, received_at FROM deploys WHERE id > ? ORDER BY id LIMIT ?")
            .contains("USING INTEGER PRIMARY KEY (rowid>?)"))
        for line in try plan("SELECT id, type FROM events WHERE id > ? AND id < ? ORDER BY id LIMIT ?").split(separator: ";") {
            #expect(!line.contains("SCAN") && !line.contains("TEMP B-TREE"), "\(line)")
        }
    }

    @Test func countersMatchTheRowsAfterAnUpgradeAndThroughEveryChange() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try RetentionContractTests.deploy(reactions: ["a", "b"]), try RetentionContractTests.deploy("unknown-one", declared: false), try RetentionContractTests.deploy(reactions: ["c"])])
        // As a store from before migration 10: the migration counts what is there.
        let db = try SQLiteDatabase(path: path)
        for trigger in ["deliveries_counted_on_insert", "deliveries_counted_on_update", "deliveries_counted_on_delete",
                        "suggestions_counted_on_insert", "suggestions_counted_on_delete"] {
            try db.execute("DROP TRIGGER \(trigger)")
        }
        try SQLiteDeployStoreTests.undoMigrationThirteen(db)
        try db.execute("DROP TABLE store_counters; PRAGMA user_version = 9")
        let outbox = try SQLiteDeliveryStore(path: path)
        func grouped() throws -> [DeliveryStatus: Int] {
            var out = Dictionary(uniqueKeysWithValues: DeliveryStatus.allCases.map { ($0, 0) })
            let s = try db.prepare("SELECT status, count(*) FROM deliveries GROUP BY status")
            while try s.step() { out[DeliveryStatus(rawValue: s.text(0))!] = s.int(1) }
            return out
        }
        #expect(try outbox.statistics().deliveries == grouped())
        let due = try outbox.due(now: Timestamp.epochMilliseconds(), excluding: [], limit: 10)
        try outbox.record([AttemptOutcome(deliveryID: due[0].id, attempt: RetentionContractTests.attempt(ok: true), next: .delivered),
                           AttemptOutcome(deliveryID: due[1].id, attempt: RetentionContractTests.attempt(ok: false), next: .retry(at: soon))])
        _ = try outbox.redeliver(id: due[0].id, now: Timestamp.epochMilliseconds())
        #expect(try outbox.statistics().deliveries == grouped())
        #expect(try outbox.statistics().deliveries == [.pending: 2, .retrying: 1, .delivered: 0, .failed: 0])
        _ = try store.record([try RetentionContractTests.deploy("unknown-two", declared: false), try RetentionContractTests.deploy("unknown-one", declared: false)])
        #expect(try outbox.statistics().suggestions == 2 && store.suggestions().count == 2)
    }
}

/// Delete batches shrink when a transaction runs past its budget and grow back when it is
/// quick, within 1 and the maximum: the event writer never waits long behind one.
@Suite struct PruneBatchSizerTests {
    @Test func batchesFollowTheTimeTheyTake() {
        var sizer = SQLitePruner.BatchSizer(maximum: 200)
        #expect(sizer.size == 16)
        let slow = DispatchTime(uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds - 10_000_000)
        sizer.record(since: slow)
        #expect(sizer.size == 8)
        for _ in 0..<10 { sizer.record(since: DispatchTime(uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds - 10_000_000)) }
        #expect(sizer.size == 1)
        for _ in 0..<40 { sizer.record(since: DispatchTime.now()) }
        #expect(sizer.size == 200)
        #expect(SQLitePruner.BatchSizer(maximum: 5).size == 5)
    }

    /// A pruner that waits for the write lock (serve's writer busy) sizes its next batch by
    /// the time it held the lock, not the wait: counting the wait shrank batches to one row
    /// each under load, every one a commit and an fsync more for the writer to wait behind.
    @Test func waitingForTheLockDoesNotShrinkBatches() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-sizer-\(UUID().uuidString)/state.db").path
        let pruner = try SQLitePruner(path: path)
        // Another connection holds the write lock for 100 ms, as a busy writer would.
        let held = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            if let holder = try? SQLiteDatabase(path: path) {
                _ = try? holder.transaction { () throws(StoreError) in
                    held.signal()
                    usleep(100_000)
                }
            } else {
                held.signal()
            }
            done.signal()
        }.start()
        held.wait()
        var sizer = SQLitePruner.BatchSizer(maximum: 200)
        let started = DispatchTime.now()
        try pruner.write(sizing: &sizer) { () throws(StoreError) in }
        done.wait()
        #expect(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds > 50_000_000, "the transaction waited for the lock")
        #expect(sizer.size == 24, "an empty transaction held the lock for no time, so the batch grows (it was \(sizer.size))")
    }
}
