import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

@Suite struct SQLiteDeployStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-deploys-\(UUID().uuidString)/state.db").path

    func record(_ service: String, matched: String? = nil, dedup: String? = nil, status: String = "succeeded",
                number: String? = nil, environment: String? = "Production") throws -> DeployRecord {
        try DeployStoreContractTests.record(service, matched: matched, dedup: dedup, status: status, number: number, environment: environment)
    }

    @Test func migrationEightMovesCountersPastStoredNumbers() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try record("cart", matched: "cart"), try record("cart", matched: "cart", number: "19"),
                              try record("mystery", number: "7"), try record("mystery", number: "x9")])
        // As a store written before the fix left it (at schema 7: without migrations 9 and 10 either).
        let db = try SQLiteDatabase(path: path)
        try db.execute("DROP INDEX deliveries_waiting_for; ALTER TABLE deliveries DROP COLUMN waiting_for")
        for trigger in ["deliveries_counted_on_insert", "deliveries_counted_on_update", "deliveries_counted_on_delete",
                        "suggestions_counted_on_insert", "suggestions_counted_on_delete"] {
            try db.execute("DROP TRIGGER \(trigger)")
        }
        try db.execute("DROP TABLE store_counters")
        try Self.undoMigrationThirteen(db)
        try db.execute("UPDATE deploy_counters SET last_number = 1; PRAGMA user_version = 7")
        let reopened = try SQLiteDeployStore(path: path)
        let outcomes = try reopened.record([try record("cart", matched: "cart"), try record("mystery")])
        #expect(outcomes.compactMap { if case .created(_, let n, _) = $0 { return n } else { return nil } } == ["20", "8"])
    }

    /// Events are stored packed; a state written before holds them as text, and both read
    /// back the same (listings, events, explain).
    @Test func packedAndTextEnvelopesReadTheSame() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try record("cart", matched: "cart", number: "7"), try record("mystery")])
        let deploys = try store.deploys(DeployQuery())
        let events = try store.events(type: nil, limit: 10)
        let explained = try deploys.compactMap(\.eventID).map { id throws in try #require(try store.event(id: id)).envelope }
        let db = try SQLiteDatabase(path: path)
        #expect(try db.integer("SELECT count(*) FROM events WHERE typeof(envelope) = 'blob'") == 3)
        // As an earlier release wrote them.
        let rows = try db.prepare("SELECT seq, envelope FROM events")
        var texts: [(Int, String)] = []
        while try rows.step() { texts.append((rows.int(0), try #require(StoredEnvelope.text(of: rows.envelope(1))))) }
        for (seq, text) in texts { try db.prepare("UPDATE events SET envelope = ? WHERE seq = ?").bind(.text(text), .int(seq)).run() }
        #expect(try db.integer("SELECT count(*) FROM events WHERE typeof(envelope) = 'text'") == 3)
        #expect(try store.deploys(DeployQuery()) == deploys)
        #expect(try store.events(type: nil, limit: 10) == events)
        #expect(try deploys.compactMap(\.eventID).map { id throws in try #require(try store.event(id: id)).envelope } == explained)
        #expect(deploys.first?.payload["deployer"] != nil)
    }

    /// Events by type: the rare types from the partial index, `deploy.succeeded` (most rows)
    /// by walking the table newest first; never a sort.
    @Test func eventListingsByTypeNeverSort() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try record("cart", matched: "cart"), try record("cart", matched: "cart", status: "failed"),
                              try record("mystery")])
        #expect(try store.events(type: "deploy.failed", limit: 10).count == 1)
        #expect(try store.events(type: "deploy.succeeded", limit: 10).count == 2)
        #expect(try store.events(type: "service.suggested", limit: 10).count == 1)
        let db = try SQLiteDatabase(path: path)
        #expect(try db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'events_by_type' AND sql LIKE '%WHERE%'") == 1)
        for type in ["deploy.failed", "deploy.succeeded", "webhook.received", nil] as [String?] {
            let listing = SQLiteDeployStore.eventListing(type: type, limit: 50)
            let plan = try db.prepare("EXPLAIN QUERY PLAN " + listing.sql)
            try plan.bind(listing.values)
            var steps: [String] = []
            while try plan.step() { steps.append(plan.text(3)) }
            #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(type ?? "all"): \(steps)")
            if let type, type != "deploy.succeeded" { #expect(steps.contains { $0.contains("events_by_type") }, "\(type): \(steps)") }
        }
    }

    /// As a state written before migration 13 was (tests of older migrations start here too).
    static func undoMigrationThirteen(_ db: SQLiteDatabase) throws {
        try db.execute("""
            DROP TRIGGER IF EXISTS deploys_chained_on_insert; DROP TRIGGER deploys_unchained_on_delete;
            DROP TABLE deploy_chain; DROP TABLE deploy_heads;
            CREATE INDEX deploys_by_service ON deploys(coalesce(service_name, service), id);
            """)
    }

    func plan(_ db: SQLiteDatabase, _ sql: String, _ values: [SQLiteValue]) throws -> [String] {
        let plan = try db.prepare("EXPLAIN QUERY PLAN " + sql)
        try plan.bind(values)
        var steps: [String] = []
        while try plan.step() { steps.append(plan.text(3)) }
        return steps
    }

    @Test func listingByServiceFollowsItsLists() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try record("shop_cart", matched: "cart"), try record("mystery"), try record("cart", matched: "cart"),
                              try record("search", matched: "search")])
        // The declared name finds deploys whatever alias they sent; an undeclared service is
        // found by the name it sent.
        #expect(try store.deploys(DeployQuery(service: "cart")).map(\.service) == ["cart", "shop_cart"])
        #expect(try store.deploys(DeployQuery(service: "mystery")).map(\.service) == ["mystery"])
        #expect(try store.deploys(DeployQuery(service: "shop_cart")).isEmpty, "aliases are resolved by the caller")
        // Heads and links are read by their keys: no scan, no sort, however many deploys.
        let db = try SQLiteDatabase(path: path)
        #expect(try plan(db, SQLiteDeployStore.headsSQL, [.text("cart")]) == ["SEARCH deploy_heads USING PRIMARY KEY (service=?)"])
        #expect(try plan(db, SQLiteDeployStore.headSQL, [.text("cart"), .text("Production")])
                == ["SEARCH deploy_heads USING PRIMARY KEY (service=? AND environment=?)"])
        #expect(try plan(db, SQLiteDeployStore.chainedSQL, [.int(1)]) == [
            "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)", "SEARCH e USING INDEX sqlite_autoindex_events_1 (id=?) LEFT-JOIN",
            "SEARCH c USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN"])
        #expect(try db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'deploys_by_service'") == 0)
        // The triggers' statements (as written in migration 13, with values for NEW and OLD)
        // find their row by key too: a deploy written or pruned costs the same at any size.
        for sql in ["SELECT deploy_id FROM deploy_heads WHERE service = ? AND environment = ?",
                    "UPDATE deploy_heads SET deploy_id = -1 WHERE deploy_id = ? AND service = ? AND environment = ?",
                    "DELETE FROM deploy_heads WHERE service = ? AND environment = ? AND deploy_id = -1"] {
            let steps = try plan(db, sql, [])
            #expect(steps.count == 1 && steps[0].hasPrefix("SEARCH deploy_heads USING PRIMARY KEY (service=? AND environment=?)"), "\(sql): \(steps)")
        }
    }

    /// Pruned deploys leave their lists: the oldest go (a list then ends where they were),
    /// and a deleted head hands its place to the deploy before it.
    @Test func removedDeploysLeaveTheirLists() throws {
        let store = try SQLiteDeployStore(path: path)
        var ids: [Int] = []
        for _ in 0..<6 {
            for case .created(let id, _, _) in try store.record([try record("cart", matched: "cart")]) { ids.append(id) }
        }
        let db = try SQLiteDatabase(path: path)
        try db.execute("DELETE FROM deploys WHERE id IN (\(ids[0]), \(ids[1]))")
        #expect(try store.deploys(DeployQuery(service: "cart")).map(\.id) == ids.dropFirst(2).reversed())
        #expect(try db.integer("SELECT count(*) FROM deploy_chain") == 4, "the oldest kept deploy's link stays until it goes")
        try db.execute("DELETE FROM deploys WHERE id = \(ids[5])")
        #expect(try store.deploys(DeployQuery(service: "cart")).map(\.id) == [ids[4], ids[3], ids[2]])
        #expect(try db.integer("SELECT deploy_id FROM deploy_heads WHERE service = 'cart'") == ids[4])
        for case .created(let id, _, _) in try store.record([try record("cart", matched: "cart")]) { ids.append(id) }
        #expect(try store.deploys(DeployQuery(service: "cart")).map(\.id) == [ids[6], ids[4], ids[3], ids[2]])
        try db.execute("DELETE FROM deploys")
        #expect(try db.integer("SELECT count(*) FROM deploy_heads") + db.integer("SELECT count(*) FROM deploy_chain") == 0)
        #expect(try store.deploys(DeployQuery(service: "cart")).isEmpty)
    }

    /// A state written before migration 13 has its deploys linked when it opens: every
    /// listing by service reads as it did through the index.
    @Test func migrationThirteenLinksExistingDeploys() throws {
        let store = try SQLiteDeployStore(path: path)
        let environments: [String?] = ["Production", "Staging", nil]
        _ = try store.record((0..<60).map { i in try record(i % 4 == 0 ? "mystery" : "cart", matched: i % 4 == 0 ? nil : "cart",
                                                            environment: environments[i % 3]) })
        var queries = [DeployQuery(service: "cart", limit: 100), DeployQuery(service: "mystery", limit: 100),
                       DeployQuery(service: "cart", environment: "Staging", limit: 100), DeployQuery(service: "cart", limit: 7)]
        queries.append(DeployQuery(service: "mystery", environment: "Production", limit: 100))
        let before = try queries.map { try store.deploys($0).map(\.id) }
        #expect(before[0].count == 45 && before[1].count == 15)
        let db = try SQLiteDatabase(path: path)
        try Self.undoMigrationThirteen(db)
        try db.execute("PRAGMA user_version = 12")
        let reopened = try SQLiteDeployStore(path: path)
        #expect(try queries.map { try reopened.deploys($0).map(\.id) } == before)
        #expect(try db.integer("SELECT count(*) FROM deploy_heads") == 6)
    }

    /// `--since` bisects the ids (they grow with `received_at`) and every filter's listing
    /// then reads one range of ids, or the lists of its service or environment.
    @Test func sinceListsWhatWasReceivedFromThenThroughIndexRanges() throws {
        let store = try SQLiteDeployStore(path: path)
        let start = Timestamp.epochMilliseconds() - 10 * 3_600_000
        var records: [DeployRecord] = []
        for i in 0..<600 {
            let body = #"{"service":"\#(i % 3 == 0 ? "search" : "cart")","description":"d\#(i)","deployed_at":"2019-02-01 13:28:33","deployer":{"name":"M"},"environment":"\#(i % 2 == 0 ? "Production" : "Staging")"}"#
            let payload = try DeployPayload.parse(Array(body.utf8)).get()
            // One a minute over ten hours.
            records.append(DeployRecord(endpoint: "ci", payload: payload, serviceName: i % 3 == 0 ? "search" : "cart",
                                        receivedAt: Timestamp.format(milliseconds: start + Int64(i) * 60_000), revision: 1))
        }
        _ = try store.record(records)
        let twoHoursAgo = Timestamp.format(milliseconds: start + 480 * 60_000)
        #expect(try store.firstDeployID(receivedAtOrAfter: twoHoursAgo) == 481)
        #expect(try store.firstDeployID(receivedAtOrAfter: Timestamp.format(milliseconds: start)) == 1)
        #expect(try store.firstDeployID(receivedAtOrAfter: Timestamp.format(milliseconds: start + 600 * 60_000)) == nil)
        let all = try store.deploys(DeployQuery(since: twoHoursAgo, limit: 1_000))
        #expect(all.count == 120 && all.allSatisfy { $0.receivedAt >= twoHoursAgo })
        let production = try store.deploys(DeployQuery(environment: "Production", since: twoHoursAgo, limit: 1_000))
        #expect(production.count == 60 && production.allSatisfy { $0.environment == "Production" && $0.id >= 481 })
        #expect(try store.deploys(DeployQuery(service: "search", environment: "Staging", since: twoHoursAgo, limit: 5)).map(\.id) == [598, 592, 586, 580, 574])
        #expect(try store.deploys(DeployQuery(environment: "Staging", limit: 3)).map(\.id) == [600, 598, 596])
        #expect(try store.deploys(DeployQuery(environment: "QA")).isEmpty)
        // Every listing is one range of ids or keys, newest first, never a scan or a sort:
        // since a time, the deploys from the first id; by environment, its lists' heads.
        let db = try SQLiteDatabase(path: path)
        let since = SQLiteDeployStore.listing(limit: 50, fromID: 481)
        #expect(try plan(db, since.sql, since.values) == [
            "SEARCH d USING INTEGER PRIMARY KEY (rowid>?)", "SEARCH e USING INDEX sqlite_autoindex_events_1 (id=?) LEFT-JOIN"])
        let heads = try plan(db, SQLiteDeployStore.environmentHeadsSQL, [.text("Production")])
        #expect(heads == ["SEARCH deploy_heads USING INDEX deploy_heads_by_environment (environment=?)"], "\(heads)")
        #expect(try db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'deploys_by_environment'") == 0)
        // Unfiltered: the table in reverse id order, stopped by the limit.
        let listing = SQLiteDeployStore.listing(limit: 50)
        let plan = try db.prepare("EXPLAIN QUERY PLAN " + listing.sql)
        try plan.bind(listing.values)
        var steps: [String] = []
        while try plan.step() { steps.append(plan.text(3)) }
        #expect(steps.first == "SCAN d" && !steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
    }

    @Test func textWithANulInsideIsRefusedAndBindsWhole() throws {
        // JSON may carry U+0000 (`\u0000`); the service column kept only "cart" before, and
        // PostgreSQL cannot store it: the payload is refused with the field named.
        let refused = DeployPayload.parse(Array(#"{"service":"cart\u0000shadow","description":"d","deployed_at":"2019-02-01 13:28:33","deployer":{"name":"M"}}"#.utf8))
        guard case .failure(let invalid) = refused else { Issue.record("a NUL in service was accepted"); return }
        #expect(invalid.errors.map(\.detail) == ["param is invalid: service must not contain a NUL character (\\u0000)"])
        // A statement bound again with fewer values leaves no old value behind, and empty
        // text binds as text, not NULL.
        let db = try SQLiteDatabase(path: path)
        let s = try db.prepare("SELECT ?1, typeof(?2), ?2")
        try s.bind(.text("a"), .text("b"))
        #expect(try s.step() && s.text(0) == "a" && s.text(2) == "b")
        try s.bind(.text(""))
        #expect(try s.step() && s.text(0) == "" && s.text(1) == "null")
        try s.bind(.text("x"), .text(""))
        #expect(try s.step() && s.text(1) == "text" && s.text(2) == "")
    }

    @Test func deploysStoredBeforeMigration5KeepTheirOwnPayload() throws {
        let store = try SQLiteDeployStore(path: path)
        let db = try SQLiteDatabase(path: path)
        // As schema 4 wrote them: the payload in its column, no event id.
        try db.execute("""
            INSERT INTO deploys (endpoint, service, service_name, environment, status, deploy_number, dedup_id, deployed_at, received_at, updated_at, revision, payload)
            VALUES ('ci', 'cart', 'cart', 'Production', 'succeeded', '7', NULL, '2019-02-01T13:28:33Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1,
                    '{"service":"cart","description":"old","deployed_at":"2019-02-01 13:28:33","deployer":{"name":"M"}}')
            """)
        _ = try store.record([try record("cart", matched: "cart")])
        let listed = try store.deploys(DeployQuery())
        #expect(listed.map { $0.payload["description"] } == [.string("d"), .string("old")])
        #expect(listed.last?.json["deploy_number"] == .string("7"))
    }

    /// The write-ahead log's size on disk: its largest extent so far, as SQLite reuses it
    /// from the start after a checkpoint rather than truncating it.
    func walBytes(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0
    }

    /// Commits `batches` batches back to back, as `serve`'s writer does under load.
    func writeContinuously(_ store: SQLiteDeployStore, batches: Int) throws {
        for b in 0..<batches {
            _ = try store.record(try (0..<20).map { try record("cart", matched: "cart", dedup: "\(b)-\($0)") })
        }
    }

    @Test func theCheckpointerKeepsTheLogSmallWhileTheWriterNeverPauses() throws {
        let unchecked = path + "-control"
        let control = try SQLiteDeployStore(path: unchecked)
        try control.disableAutomaticCheckpoints()
        try writeContinuously(control, batches: 150)
        // Without it, every commit extends the log (the failure this guards against).
        #expect(walBytes(unchecked) > 4_000_000)

        let store = try SQLiteDeployStore(path: path)
        try store.disableAutomaticCheckpoints()
        let checkpointer = try WALCheckpointer(path: path, intervalMilliseconds: 5)
        try writeContinuously(store, batches: 150)
        checkpointer.stop()
        #expect(walBytes(path) < walBytes(unchecked) / 4)
        #expect(try store.deployCount() == 3000)
    }

    @Test func aLongReadNeverHoldsTheWriterUpBehindACheckpoint() throws {
        let store = try SQLiteDeployStore(path: path)
        try store.disableAutomaticCheckpoints()
        try writeContinuously(store, batches: 5)
        // A reader (an API listing, `explain`, a CLI) keeps one snapshot open for a while.
        let reader = try SQLiteDatabase(path: path)
        try reader.execute("BEGIN")
        let snapshot = try reader.prepare("SELECT count(*) FROM deploys")
        _ = try snapshot.step()
        let checkpointer = try WALCheckpointer(path: path, intervalMilliseconds: 5)
        var slowest = 0.0
        // The reader lives 3 s; a writer held up behind it would wait most of that. A batch
        // under the full suite's load on a 2-core box took up to 0.55 s without any checkpoint
        // holding it, so the bound is 1 s, a third of the reader's life.
        let until = Date().addingTimeInterval(3)
        var b = 100
        while Date() < until {
            let started = Date()
            _ = try store.record(try (0..<20).map { try record("cart", matched: "cart", dedup: "r\(b)-\($0)") })
            slowest = max(slowest, Date().timeIntervalSince(started))
            b += 1
        }
        try reader.execute("COMMIT")
        checkpointer.stop()
        // A checkpoint that must wait for the reader gives up and tries again later; the
        // writer is never blocked for the reader's whole lifetime.
        #expect(slowest < 1, "a batch waited \(slowest) s behind the checkpointer")
    }
}
