import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// Retention on a real state file. Everything is made now, so "older than" is a cutoff a
/// little in the future: the same as pruning a store whose rows have aged past it.
@Suite struct RetentionTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-retention-\(UUID().uuidString)/state.db").path

    func deploy(_ service: String = "cart", environment: String? = "Production", description: String = "d", dedup: String? = nil,
                status: String = "succeeded", reactions: [String] = [], declared: Bool = true) throws -> DeployRecord {
        var body: [String: JSON] = ["service": .string(service), "description": .string(description), "deployed_at": .string("2019-02-01 13:28:33"),
                                    "deployer": .object(["name": .string("M")]), "status": .string(status),
                                    "commit": .object(["sha": .string("abc123"), "message": .string("Fix it")])]
        if let environment { body["environment"] = .string(environment) }
        if let dedup { body["dedup_id"] = .string(dedup) }
        let payload = try DeployPayload.parse(Array(JSON.sortedObject(body).compactText.utf8)).get()
        let matcher = ReactionMatcher(mayFire: { _, _, _ in !reactions.isEmpty }, firings: { _, _ in Firings(firing: reactions) })
        return DeployRecord(endpoint: "ci", payload: payload, serviceName: declared ? service : nil, receivedAt: Timestamp.now(), revision: 1, matcher: matcher)
    }

    func attempt(ok: Bool) -> AttemptRecord {
        AttemptRecord(number: 1, startedAt: Timestamp.now(), milliseconds: 3, succeeded: ok, httpStatus: ok ? 200 : 500, exitStatus: nil,
                      error: ok ? nil : "unexpected status 500", response: ok ? "fine" : "boom")
    }

    /// A minute from now: everything recorded so far is older than this.
    var soon: Int64 { Timestamp.epochMilliseconds() + 60_000 }

    @Test func eventsGoWithTheirFinishedDeliveriesAndAttemptsWhileUnfinishedOnesStay() throws {
        let store = try SQLiteDeployStore(path: path)
        let outbox = try SQLiteDeliveryStore(path: path)
        // Four deploys: one fires nothing, one is delivered, one retrying, one pending.
        _ = try store.record([try deploy(dedup: "quiet"), try deploy(dedup: "done", reactions: ["mark"]),
                              try deploy(dedup: "again", reactions: ["notify"]), try deploy(dedup: "waiting", reactions: ["later"])])
        let now = Timestamp.epochMilliseconds()
        let due = Dictionary(uniqueKeysWithValues: try outbox.due(now: now, excluding: [], limit: 10).map { ($0.reaction, $0.id) })
        try outbox.record([AttemptOutcome(deliveryID: try #require(due["mark"]), attempt: attempt(ok: true), next: .delivered),
                           AttemptOutcome(deliveryID: try #require(due["notify"]), attempt: attempt(ok: false), next: .retry(at: now + 3_600_000))])
        let before = try outbox.deliveries(DeliveryQuery())
        let kept = Set(before.filter { $0.status != .delivered }.map(\.eventID))

        let pruner = try SQLitePruner(path: path)
        let dry = try pruner.prune(eventsBefore: soon, deploysBefore: nil, dryRun: true)
        #expect(dry == PruneCounts(events: 2, deliveries: 1, attempts: 1))
        #expect(try outbox.deliveries(DeliveryQuery()).count == 3, "a dry run removes nothing")
        let counts = try pruner.prune(eventsBefore: soon, deploysBefore: nil, dryRun: false, batchSize: 1)
        #expect(counts == dry, "a dry run counts what the run removes (here one row per batch)")

        let after = try outbox.deliveries(DeliveryQuery())
        #expect(after.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.pending, .retrying])
        #expect(try outbox.attempts(of: try #require(due["notify"])).count == 1, "a retrying delivery keeps its attempts")
        for eventID in kept { #expect(try store.event(id: eventID) != nil, "an unfinished delivery keeps its event") }
        #expect(try store.deploys(DeployQuery()).count == 4, "deploys are kept unless asked")
        let statistics = try outbox.statistics()
        #expect(statistics.pruned == PruneCounts(events: 2, deliveries: 1, attempts: 1))
        #expect(statistics.deliveries == [.pending: 1, .retrying: 1, .delivered: 0, .failed: 0])
        // Nothing left to prune: a second pass removes nothing.
        #expect(try pruner.prune(eventsBefore: soon, deploysBefore: nil, dryRun: false) == PruneCounts())
    }

    @Test func aDeployWhoseEventIsPrunedIsListedExactlyAsBefore() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try deploy(description: "first", dedup: "d1", status: "started")])
        _ = try store.record([try deploy(description: "second", dedup: "d1", status: "succeeded"), try deploy("search")])
        let before = try store.deploys(DeployQuery()).map(\.json)
        let eventIDs = try store.deploys(DeployQuery()).compactMap(\.eventID)
        #expect(eventIDs.count == 2)
        let counts = try SQLitePruner(path: path).prune(eventsBefore: soon, deploysBefore: nil, dryRun: false)
        #expect(counts.events == 3, "both events of the updated deploy and the other deploy's")
        for id in eventIDs { #expect(try store.event(id: id) == nil) }
        #expect(try store.deploys(DeployQuery()).map(\.json) == before, "every field a user reads back survives its event")
        #expect(try store.deploys(DeployQuery(service: "cart")).first?.payload["description"] == .string("second"))
        // And explain can tell a pruned id from one it never saw.
        let horizon = try store.pruneHorizon()
        #expect(horizon.explainMissing(eventIDs[0], kind: "event")?.contains("was removed by retention") == true)
        #expect(horizon.explainMissing(EventID.make().replacingOccurrences(of: "-7", with: "-4"), kind: "event") == nil)
        #expect(horizon.explainMissing(EventID.lowerBound(milliseconds: soon + 1) + "-7000-8000-000000000000", kind: "event") == nil,
                "an id newer than the horizon was never pruned")
    }

    @Test func oldDeploysGoButEachServiceAndEnvironmentKeepsItsLatest() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try deploy("cart"), try deploy("cart"), try deploy("cart", environment: "Staging"),
                              try deploy("cart", environment: nil), try deploy("cart", environment: nil), try deploy("search")])
        let latest = try store.deploys(DeployQuery())
        let pruner = try SQLitePruner(path: path)
        #expect(try pruner.prune(eventsBefore: nil, deploysBefore: soon, dryRun: true) == PruneCounts(deploys: 2))
        #expect(try pruner.prune(eventsBefore: nil, deploysBefore: soon, dryRun: false, batchSize: 2) == PruneCounts(deploys: 2))
        let left = try store.deploys(DeployQuery())
        #expect(left.map(\.id) == [latest[0].id, latest[1].id, latest[3].id, latest[4].id], "the latest of each (service, environment)")
        // Numbers never repeat, even after the deploys that used them are gone.
        let outcome = try store.record([try deploy("cart")])
        guard case .created(_, let number, _)? = outcome.first else { Issue.record("not created: \(outcome)"); return }
        #expect(number == "6")
        // Deploys younger than the cutoff are not touched.
        #expect(try pruner.prune(eventsBefore: nil, deploysBefore: Timestamp.epochMilliseconds() - 60_000, dryRun: false) == PruneCounts())
    }

    @Test func theFileGivesTheSpaceBack() throws {
        let store = try SQLiteDeployStore(path: path)
        let long = String(repeating: "x", count: 2_000)
        for i in 0..<20 { _ = try store.record((0..<50).map { j in try deploy(description: long, dedup: "\(i)-\(j)", reactions: ["mark"]) }) }
        let outbox = try SQLiteDeliveryStore(path: path)
        let due = try outbox.due(now: Timestamp.epochMilliseconds(), excluding: [], limit: 2_000)
        try outbox.record(due.map { AttemptOutcome(deliveryID: $0.id, attempt: attempt(ok: true), next: .delivered) })
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
        #expect(try plan("SELECT 1 FROM deploys WHERE coalesce(service_name, service) = ? AND environment IS ? AND id > ? LIMIT 1")
            .contains("USING INDEX deploys_by_service"))
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
        _ = try store.record([try deploy(reactions: ["a", "b"]), try deploy("unknown-one", declared: false), try deploy(reactions: ["c"])])
        // As a store from before migration 10: the migration counts what is there.
        let db = try SQLiteDatabase(path: path)
        for trigger in ["deliveries_counted_on_insert", "deliveries_counted_on_update", "deliveries_counted_on_delete",
                        "suggestions_counted_on_insert", "suggestions_counted_on_delete"] {
            try db.execute("DROP TRIGGER \(trigger)")
        }
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
        try outbox.record([AttemptOutcome(deliveryID: due[0].id, attempt: attempt(ok: true), next: .delivered),
                           AttemptOutcome(deliveryID: due[1].id, attempt: attempt(ok: false), next: .retry(at: soon))])
        _ = try outbox.redeliver(id: due[0].id, now: Timestamp.epochMilliseconds())
        #expect(try outbox.statistics().deliveries == grouped())
        #expect(try outbox.statistics().deliveries == [.pending: 2, .retrying: 1, .delivered: 0, .failed: 0])
        _ = try store.record([try deploy("unknown-two", declared: false), try deploy("unknown-one", declared: false)])
        #expect(try outbox.statistics().suggestions == 2 && store.suggestions().count == 2)
    }
}
