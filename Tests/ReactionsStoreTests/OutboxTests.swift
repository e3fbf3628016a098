import Foundation
import Synchronization
import Testing
import ReactionsCore
@testable import ReactionsStore

@Suite struct OutboxTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-outbox-\(UUID().uuidString)/state.db").path

    func deploy(_ service: String = "cart", dedup: String? = nil, matcher: ReactionMatcher?) throws -> DeployRecord {
        var body: [String: JSON] = ["service": .string(service), "description": .string("d"), "deployed_at": .string("2019-02-01 13:28:33"),
                                    "deployer": .object(["name": .string("M")]), "environment": .string("Production")]
        if let dedup { body["dedup_id"] = .string(dedup) }
        let payload = try DeployPayload.parse(Array(JSON.sortedObject(body).compactText.utf8)).get()
        return DeployRecord(endpoint: "ci", payload: payload, serviceName: service, receivedAt: Timestamp.now(), revision: 1, matcher: matcher)
    }

    /// Fires `reactions` for deploys of `cart`, and counts how often it matched an envelope.
    final class Probe: Sendable {
        let parsed = Atomic<Int>(0)
        func matcher(_ reactions: [String]) -> ReactionMatcher {
            ReactionMatcher(mayFire: { type, service, _ in type.hasPrefix("deploy.") && service == "cart" },
                            firings: { [self] matched, _ in
                                parsed.add(1, ordering: .relaxed)
                                return matched.data["service"] == .string("cart") ? Firings(firing: reactions) : .none
                            })
        }
    }

    @Test func deliveriesAreQueuedWithTheirEventAndOnlyForFiringReactions() throws {
        let store = try SQLiteDeployStore(path: path)
        let probe = Probe()
        let matcher = probe.matcher(["mark", "notify"])
        _ = try store.record([try deploy(matcher: matcher), try deploy("search", matcher: matcher), try deploy(matcher: nil)])
        #expect(probe.parsed.load(ordering: .relaxed) == 1, "events no reaction listens to are never parsed")
        let outbox = try SQLiteDeliveryStore(path: path)
        let queued = try outbox.deliveries(DeliveryQuery())
        #expect(queued.map(\.reaction).sorted() == ["mark", "notify"])
        #expect(Set(queued.map(\.eventID)).count == 1)
        #expect(queued.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.revision == 1 && $0.eventType == "deploy.succeeded" })
        let event = try #require(try store.event(id: queued[0].eventID))
        #expect(event.envelope["type"] == .string("deploy.succeeded"))
        // A duplicate deploy is not a new event: nothing more is queued.
        _ = try store.record([try deploy(dedup: "x", matcher: matcher)])
        _ = try store.record([try deploy(dedup: "x", matcher: matcher)])
        #expect(try outbox.deliveries(DeliveryQuery()).count == 4)
        #expect(store.deliveriesEnqueued == 4)
    }

    @Test func deliveriesListNewestFirstFromAnIndexWhateverTheFilter() throws {
        let store = try SQLiteDeployStore(path: path)
        let probe = Probe()
        for (i, reactions) in [["mark"], ["notify"], ["mark", "notify"]].enumerated() {
            _ = try store.record([try deploy(dedup: "d\(i)", matcher: probe.matcher(reactions))])
        }
        let outbox = try SQLiteDeliveryStore(path: path)
        let all = try outbox.deliveries(DeliveryQuery())
        #expect(all.map(\.reaction) == ["notify", "mark", "notify", "mark"], "newest first, in the order they were queued")
        #expect(try outbox.deliveries(DeliveryQuery(reaction: "mark")).map(\.id) == all.filter { $0.reaction == "mark" }.map(\.id))
        #expect(try outbox.deliveries(DeliveryQuery(limit: 1)).map(\.id) == [all[0].id])
        // No listing sorts the outbox: each walks the table or one index backwards and stops at the limit.
        let db = try SQLiteDatabase(path: path)
        for query in [DeliveryQuery(), DeliveryQuery(status: .failed), DeliveryQuery(status: .retrying), DeliveryQuery(status: .delivered),
                      DeliveryQuery(reaction: "mark")] {
            let listing = SQLiteDeliveryStore.listing(query)
            let plan = try db.prepare("EXPLAIN QUERY PLAN " + listing.sql)
            try plan.bind(listing.values)
            var steps: [String] = []
            while try plan.step() { steps.append(plan.text(3)) }
            #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
            // Delivered ones, most of the outbox, are not in the status index (migration 12).
            if (query.status != nil && query.status != .delivered) || query.reaction != nil {
                #expect(steps.contains { $0.contains("USING INDEX") }, "\(steps)")
            }
        }
    }

    /// The single writer only inserts: every filter ran when the record was built, on the
    /// request's thread, so one slow filter can never hold up another request's commit.
    @Test func theWriterMatchesNothing() throws {
        let store = try SQLiteDeployStore(path: path)
        let probe = Probe()
        let records = try (0..<5).map { _ in try deploy(matcher: probe.matcher(["mark"])) }
        #expect(probe.parsed.load(ordering: .relaxed) == 5)
        _ = try store.record(records)
        #expect(probe.parsed.load(ordering: .relaxed) == 5, "store.record matched again")
        #expect(try SQLiteDeliveryStore(path: path).deliveries(DeliveryQuery()).count == 5)
    }

    /// Matching happens before the writer, on an envelope built from values: it must be the
    /// envelope the store writes, byte for byte, but for the fields only the store can set
    /// (the deploy's id and generated number), which it names as store fields instead.
    @Test func theEnvelopeMatchedIsTheEnvelopeStoredButForTheStoreFields() throws {
        let store = try SQLiteDeployStore(path: path)
        let seen = Mutex<[(JSON, Set<Firings.StoreField>)]>([])
        let matcher = ReactionMatcher(mayFire: { _, _, _ in true }, firings: { matched, fields in
            seen.withLock { $0.append((matched.envelope, fields)) }
            return .none
        })
        _ = try store.record([try deploy(matcher: matcher), try deploy(dedup: "d", matcher: matcher)])
        let stored = try store.events().reversed().map { $0 }
        let matched = seen.withLock { $0 }
        #expect(matched.count == 2)
        #expect(matched.allSatisfy { $0.1 == [.id, .deployNumber] })
        func withoutStoreFields(_ envelope: JSON) -> String {
            var data = envelope["data"]?.objectMembers ?? []
            data.removeAll { $0.key == "id" || $0.key == "deploy_number" }
            var members = envelope.objectMembers ?? []
            members.removeAll { $0.key == "data" }
            return JSON.object(members + [.init("data", .object(data))]).compactText
        }
        #expect(matched.map { withoutStoreFields($0.0) } == stored.map(withoutStoreFields))
        #expect(stored.first?["data"]?["deploy_number"] == .string("1") && stored.last?["data"]?["deploy_number"] == .string("2"))
    }

    @Test func attemptsMoveDeliveriesAlongAndDeadLettersRaiseAnEventInTheSameTransaction() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try deploy(matcher: Probe().matcher(["a", "b", "c"]))])
        let outbox = try SQLiteDeliveryStore(path: path)
        let now = Timestamp.epochMilliseconds()
        let due = try outbox.due(now: now, excluding: [], limit: 10)
        #expect(due.count == 3 && due.allSatisfy { $0.envelope["type"] == .string("deploy.succeeded") })
        #expect(try outbox.due(now: now, excluding: Set(due.map(\.id)), limit: 10).isEmpty, "running deliveries are not handed out twice")
        let byReaction = Dictionary(uniqueKeysWithValues: due.map { ($0.reaction, $0.id) })
        let idA = try #require(byReaction["a"]), idB = try #require(byReaction["b"]), idC = try #require(byReaction["c"])
        func attempt(_ n: Int, ok: Bool) -> AttemptRecord {
            AttemptRecord(number: n, startedAt: Timestamp.now(), milliseconds: 3, succeeded: ok, httpStatus: ok ? 200 : 500, exitStatus: nil,
                          error: ok ? nil : "unexpected status 500", response: ok ? "fine" : "boom")
        }
        let deadLetter = CloudEvent(id: EventID.make(), source: "/reactions/c", type: EventType.reactionFailed, time: Timestamp.now(),
                                    subject: "c", data: .object(["reaction": .string("c")]), chainDepth: 1)
        let onFailure = Firings(firing: ["page-someone"])
        try outbox.record([
            AttemptOutcome(deliveryID: idA, attempt: attempt(1, ok: true), next: .delivered),
            AttemptOutcome(deliveryID: idB, attempt: attempt(1, ok: false), next: .retry(at: now + 60_000)),
            AttemptOutcome(deliveryID: idC, attempt: attempt(1, ok: false),
                           next: .failed(deadLetter, revision: 1, firings: onFailure)),
        ])
        let a = try #require(try outbox.delivery(id: idA))
        #expect(a.status == .delivered && a.attempts == 1 && a.attemptLog.first?.response == "fine")
        let b = try #require(try outbox.delivery(id: idB))
        #expect(b.status == .retrying && b.nextAt == now + 60_000 && b.lastError == "unexpected status 500")
        #expect(try outbox.due(now: now + 59_999, excluding: [], limit: 10).map(\.reaction) == ["page-someone"])
        #expect(try outbox.due(now: now + 60_000, excluding: [], limit: 10).map(\.reaction).sorted() == ["b", "page-someone"])
        #expect(try outbox.nextDue() ?? 0 <= now + 60_000)
        #expect(try outbox.deliveries(DeliveryQuery(status: .failed)).map(\.reaction) == ["c"])
        #expect(try store.event(id: deadLetter.id)?.envelope["type"] == .string(EventType.reactionFailed))
        #expect(try outbox.statistics().deliveries == [.delivered: 1, .retrying: 1, .failed: 1, .pending: 1])
    }

    /// Migration 11 rebuilds attempts keyed by their delivery alone; what stores before it
    /// recorded reads back the same.
    @Test func migrationElevenKeepsEveryAttempt() throws {
        _ = try SQLiteDeployStore(path: path).record([try deploy(matcher: Probe().matcher(["a"]))])
        let db = try SQLiteDatabase(path: path)
        // As schema 10 left the table: a rowid table with its primary key as an index.
        try SQLiteDeployStoreTests.undoMigrationThirteen(db)
        try db.execute("""
            DROP TABLE attempts;
            CREATE TABLE attempts (delivery_id TEXT NOT NULL REFERENCES deliveries(id), number INTEGER NOT NULL, started_at TEXT NOT NULL,
                milliseconds INTEGER NOT NULL, succeeded INTEGER NOT NULL, http_status INTEGER, exit_status INTEGER, error TEXT,
                response TEXT NOT NULL, PRIMARY KEY (delivery_id, number));
            INSERT INTO attempts SELECT id, 2, '2026-01-01T00:00:02Z', 9, 0, NULL, 3, 'exit status 3', 'two' FROM deliveries;
            INSERT INTO attempts SELECT id, 1, '2026-01-01T00:00:01Z', 5, 0, 500, NULL, 'unexpected status 500', 'one' FROM deliveries;
            PRAGMA user_version = 10;
            """)
        let outbox = try SQLiteDeliveryStore(path: path)
        let id = try #require(try outbox.deliveries(DeliveryQuery()).first?.id)
        let log = try outbox.attempts(of: id)
        #expect(log.map(\.number) == [1, 2] && log.map(\.response) == ["one", "two"] && log.last?.exitStatus == 3 && log.first?.httpStatus == 500)
        let schema = try db.prepare("SELECT sql FROM sqlite_master WHERE name = 'attempts'")
        #expect(try schema.step() && schema.text(0).contains("WITHOUT ROWID"))
        try schema.run()
        #expect(try db.integer("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'attempts' AND type = 'index'") == 0)
    }

    /// A statement left in the middle of its rows kept a read snapshot open after COMMIT, so
    /// the connection's next write failed at once ("database is locked") whenever another
    /// connection had written in between. Seen as 500s to concurrent deploys once the
    /// dispatcher wrote to the same file.
    @Test func aStatementLeftMidRowDoesNotFailTheNextTransaction() throws {
        let first = try SQLiteDatabase(path: path)
        try first.execute("CREATE TABLE t (v INTEGER)")
        try first.execute("INSERT INTO t VALUES (1), (2), (3)")
        let other = try SQLiteDatabase(path: path)
        let reader = try first.prepare("SELECT v FROM t")
        try first.transaction { () throws(StoreError) in
            #expect(try reader.step())
            try first.execute("INSERT INTO t VALUES (4)")
        }
        try other.transaction { () throws(StoreError) in try other.execute("INSERT INTO t VALUES (5)") }
        try first.transaction { () throws(StoreError) in try first.execute("INSERT INTO t VALUES (6)") }
        let count = try first.prepare("SELECT count(*) FROM t")
        #expect(try count.step() && count.int(0) == 6)
    }
}
