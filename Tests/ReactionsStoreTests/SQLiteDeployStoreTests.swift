import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

@Suite struct SQLiteDeployStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-deploys-\(UUID().uuidString)/state.db").path

    func record(_ service: String, matched: String? = nil, dedup: String? = nil, status: String = "succeeded",
                number: String? = nil, environment: String? = "Production") throws -> DeployRecord {
        var body: [String: JSON] = ["service": .string(service), "description": .string("d"), "deployed_at": .string("2019-02-01 13:28:33"),
                                    "deployer": .object(["name": .string("M")]), "status": .string(status)]
        if let dedup { body["dedup_id"] = .string(dedup) }
        if let number { body["deploy_number"] = .string(number) }
        if let environment { body["environment"] = .string(environment) }
        let payload = try DeployPayload.parse(Array(JSON.sortedObject(body).compactText.utf8)).get()
        return DeployRecord(endpoint: "ci", payload: payload, serviceName: matched, receivedAt: Timestamp.now(), revision: 1)
    }

    @Test func numbersDeploysPerServiceAndKeepsGivenNumbers() throws {
        let store = try SQLiteDeployStore(path: path)
        let outcomes = try store.record([try record("cart", matched: "cart"), try record("cart", matched: "cart", number: "77"),
                                         try record("shop_cart", matched: "cart"), try record("search", matched: "search")])
        let numbers = outcomes.compactMap { if case .created(_, let n, _) = $0 { return n } else { return nil } }
        // A sent plain number moves the counter past it: generated numbers never repeat one.
        #expect(numbers == ["1", "77", "78", "1"])
        let listed = try store.deploys(DeployQuery(service: "cart"))
        #expect(listed.map(\.deployNumber) == ["78", "77", "1"])
        #expect(listed.first?.service == "shop_cart" && listed.first?.serviceName == "cart")
        #expect(try store.deploys(DeployQuery(environment: "Staging")).isEmpty)
        // Numbers continue across batches, and across connections (a restarted server).
        let next = try store.record([try record("cart", matched: "cart")])
        let afterRestart = try SQLiteDeployStore(path: path).record([try record("cart", matched: "cart"), try record("search", matched: "search")])
        #expect((next + afterRestart).compactMap { if case .created(_, let n, _) = $0 { return n } else { return nil } } == ["79", "80", "2"])
        #expect(try store.deploys(DeployQuery(limit: 2)).count == 2)
    }

    /// Issue 11, defect 6: an explicit "19" then a deploy without a number gave both 19.
    @Test func generatedNumbersNeverRepeatOnesTheServiceUsed() throws {
        let store = try SQLiteDeployStore(path: path)
        let sent: [String?] = ["19", nil, nil, "5", nil, "v30", "0042", nil, "999999999999999999999", nil, "20", nil]
        var numbers: [String] = []
        // In one batch and across batches, as concurrent requests arrive.
        for chunk in [sent[0..<5], sent[5..<12]] {
            let outcomes = try store.record(try chunk.map { try record("cart", matched: "cart", number: $0) })
            numbers += outcomes.compactMap { if case .created(_, let n, _) = $0 { return n } else { return nil } }
        }
        #expect(numbers == ["19", "20", "21", "5", "22", "v30", "0042", "43", "999999999999999999999", "44", "20", "45"])
        // Each generated number is new to the service when it is given (a sender may still
        // repeat one, as the last "20" does: sent numbers are the sender's).
        for (i, number) in numbers.enumerated() where sent[i] == nil {
            #expect(!numbers[..<i].contains(number), "\(number) repeats")
        }
    }

    /// Migration 8 brings counters of existing stores past the numbers already sent.
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
        try db.execute("UPDATE deploy_counters SET last_number = 1; PRAGMA user_version = 7")
        let reopened = try SQLiteDeployStore(path: path)
        let outcomes = try reopened.record([try record("cart", matched: "cart"), try record("mystery")])
        #expect(outcomes.compactMap { if case .created(_, let n, _) = $0 { return n } else { return nil } } == ["20", "8"])
    }

    @Test func aPayloadIsStoredOnceAsItsEventsDataAndListedWhole() throws {
        let store = try SQLiteDeployStore(path: path)
        let body = #"{"service":"cart","description":"first","deployed_at":"2019-02-01 13:28:33","deployer":{"name":"M"},"dedup_id":"p1","status":"started","commit":{"sha":"abc","branch":"main"},"extra":[1,{"x":null}]}"#
        let started = try DeployPayload.parse(Array(body.utf8)).get()
        _ = try store.record([DeployRecord(endpoint: "ci", payload: started, serviceName: "cart", receivedAt: Timestamp.now(), revision: 1)])
        let listed = try #require(try store.deploys(DeployQuery()).first)
        #expect(listed.payload == started.raw.objectMembers.map { .object($0.filter { $0.key != "status" }) })
        // A new status brings a new payload with it; the listing shows the latest.
        let succeeded = try DeployPayload.parse(Array(body.replacingOccurrences(of: #""status":"started""#, with: #""status":"succeeded""#)
            .replacingOccurrences(of: "first", with: "second").utf8)).get()
        _ = try store.record([DeployRecord(endpoint: "ci", payload: succeeded, serviceName: "cart", receivedAt: Timestamp.now(), revision: 1)])
        let updated = try #require(try store.deploys(DeployQuery()).first)
        #expect(updated.payload["description"] == .string("second"))
        #expect(updated.json["status"] == .string("succeeded"))
        #expect(updated.json["commit"] == .object(["sha": .string("abc"), "branch": .string("main")]))
        // The deploy row itself no longer carries a copy.
        let db = try SQLiteDatabase(path: path)
        let copies = try db.prepare("SELECT count(*) FROM deploys WHERE payload != ''")
        #expect(try copies.step() && copies.int(0) == 0)
    }

    @Test func listingByServiceSeeksItsIndex() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try record("shop_cart", matched: "cart"), try record("mystery"), try record("cart", matched: "cart"),
                              try record("search", matched: "search")])
        // The declared name finds deploys whatever alias they sent; an undeclared service is
        // found by the name it sent.
        #expect(try store.deploys(DeployQuery(service: "cart")).map(\.service) == ["cart", "shop_cart"])
        #expect(try store.deploys(DeployQuery(service: "mystery")).map(\.service) == ["mystery"])
        #expect(try store.deploys(DeployQuery(service: "shop_cart")).isEmpty, "aliases are resolved by the caller")
        // The query is answered from the index, newest first, not by scanning every deploy.
        let db = try SQLiteDatabase(path: path)
        let listing = SQLiteDeployStore.listing(DeployQuery(), service: "cart")
        let plan = try db.prepare("EXPLAIN QUERY PLAN " + listing.sql)
        try plan.bind(listing.values)
        var steps: [String] = []
        while try plan.step() { steps.append(plan.text(3)) }
        #expect(steps.contains { $0.contains("USING INDEX deploys_by_service") || $0.contains("USING COVERING INDEX deploys_by_service") }, "\(steps)")
        #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
    }

    /// `--since` bisects the ids (they grow with `received_at`) and every filter's listing
    /// then reads one range of an index.
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
        // Every listing is one index range, newest first, never a scan or a sort.
        let db = try SQLiteDatabase(path: path)
        for (query, service) in [(DeployQuery(environment: "Production"), nil), (DeployQuery(since: twoHoursAgo), nil),
                                 (DeployQuery(environment: "Production", since: twoHoursAgo), nil), (DeployQuery(since: twoHoursAgo), "cart")]
                as [(DeployQuery, String?)] {
            let listing = SQLiteDeployStore.listing(query, service: service, fromID: query.since == nil ? nil : 481)
            let plan = try db.prepare("EXPLAIN QUERY PLAN " + listing.sql)
            try plan.bind(listing.values)
            var steps: [String] = []
            while try plan.step() { steps.append(plan.text(3)) }
            let deploys = steps.first { $0.contains(" d ") || $0.hasSuffix(" d") } ?? ""
            #expect(deploys.contains("USING INDEX") || deploys.contains("USING INTEGER PRIMARY KEY") || deploys.contains("USING COVERING INDEX"),
                    "\(steps)")
            #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
        }
        // Unfiltered: the table in reverse id order, stopped by the limit.
        let listing = SQLiteDeployStore.listing(DeployQuery(), service: nil)
        let plan = try db.prepare("EXPLAIN QUERY PLAN " + listing.sql)
        try plan.bind(listing.values)
        var steps: [String] = []
        while try plan.step() { steps.append(plan.text(3)) }
        #expect(steps.first == "SCAN d" && !steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
    }

    @Test func aServiceListsTheDeploysSentUnderItsAliasesBeforeTheyWereDeclared() throws {
        let store = try SQLiteDeployStore(path: path)
        // While `shop_cart` was unknown its deploys were suggestions; then it became cart's alias.
        _ = try store.record([try record("shop_cart", dedup: "early"), try record("cart", matched: "cart", dedup: "c1"),
                              try record("shop_cart", matched: "cart", dedup: "late"), try record("search", matched: "search", dedup: "s1")])
        let document = try StateDocument(json: .object(["version": .int(1), "services": .array([
            .object(["name": .string("cart"), "aliases": .array([.string("shop_cart")])]), .object(["name": .string("search")]),
        ])]))
        let services = ServiceIndex(document.services)
        for name in ["cart", "shop_cart", "Shop_Cart"] {
            let listed = try store.deploys(DeployQuery(service: name).resolvingServices(with: services))
            #expect(listed.map(\.dedupID) == ["late", "c1", "early"], "\(name)")
        }
        #expect(try store.deploys(DeployQuery(service: "cart", limit: 2).resolvingServices(with: services)).map(\.dedupID) == ["late", "c1"])
        #expect(try store.deploys(DeployQuery(service: "mystery").resolvingServices(with: services)).isEmpty)
        #expect(DeployQuery(service: "shop_cart").resolvingServices(with: services).services == ["cart", "shop_cart"])
    }

    @Test func textWithANulInsideIsStoredAndReadWhole() throws {
        let store = try SQLiteDeployStore(path: path)
        // JSON may carry U+0000 (`\u0000`); the service column kept only "cart" before.
        _ = try store.record([try record("cart\u{0}shadow", dedup: "nul")])
        let listed = try #require(try store.deploys(DeployQuery()).first)
        #expect(listed.service == "cart\u{0}shadow")
        #expect(listed.dedupID == "nul")
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

    @Test func dedupIDsAreDuplicatesUnlessTheStatusChanges() throws {
        let store = try SQLiteDeployStore(path: path)
        let first = try store.record([try record("cart", matched: "cart", dedup: "d1", status: "started")])
        guard case .created(let id, _, _)? = first.first else { Issue.record("not created"); return }
        let again = try store.record([try record("cart", matched: "cart", dedup: "d1", status: "started"),
                                      try record("cart", matched: "cart", dedup: "d1", status: "succeeded"),
                                      try record("cart", matched: "cart", dedup: "d1", status: "succeeded")])
        #expect(again.count == 3)
        #expect(again[0] == .duplicate(deployID: id))
        if case .updated(let updated, _) = again[1] { #expect(updated == id) } else { Issue.record("expected an update, got \(again[1])") }
        #expect(again[2] == .duplicate(deployID: id))
        #expect(try store.deploys(DeployQuery()).map(\.status) == ["succeeded"])
        let events = try store.events()
        #expect(events.compactMap { $0["type"]?.stringValue } == ["deploy.succeeded", "deploy.started"])
    }

    @Test func unknownServicesBecomeSuggestionsWithOneEvent() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try record("mystery"), try record("mystery", environment: "Staging"), try record("mystery")])
        let suggestions = try store.suggestions()
        #expect(suggestions.count == 1)
        #expect(suggestions.first?.deploys == 3)
        #expect(suggestions.first?.environments == ["Production", "Staging"])
        #expect(try store.events(type: EventType.serviceSuggested).count == 1)
        #expect(try store.events(type: EventType.deploySucceeded).count == 3)
        let deploy = try #require(try store.deploys(DeployQuery()).first)
        #expect(deploy.json["matched"] == .bool(false))
        #expect(deploy.json["service"] == .string("mystery"))
    }

    @Test func eventsAreCloudEventsEnvelopes() throws {
        let store = try SQLiteDeployStore(path: path)
        _ = try store.record([try record("cart", matched: "cart", number: "5")])
        let event = try #require(try store.events().first)
        #expect(event["specversion"] == .string("1.0"))
        #expect(event["source"] == .string("/endpoints/ci"))
        #expect(event["service"] == .string("cart"))
        #expect(event["data"]?["deploy_number"] == .string("5"))
        #expect(event["data"]?["status"] == .string("succeeded"))
    }

    @Test func concurrentDuplicatesFromSeparateConnectionsYieldOneDeploy() async throws {
        _ = try SQLiteDeployStore(path: path)
        let path = self.path
        let records = try (0..<8).map { _ in try record("cart", matched: "cart", dedup: "same") }
        let outcomes = await withTaskGroup(of: DeployOutcome?.self) { group in
            for r in records {
                group.addTask { (try? SQLiteDeployStore(path: path).record([r]))?.first }
            }
            var all: [DeployOutcome?] = []
            for await o in group { all.append(o) }
            return all
        }
        #expect(outcomes.allSatisfy { $0 != nil })
        #expect(outcomes.filter { if case .created? = $0 { return true } else { return false } }.count == 1)
        #expect(try SQLiteDeployStore(path: path).deployCount() == 1)
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
        let until = Date().addingTimeInterval(1.5)
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
        #expect(slowest < 0.5, "a batch waited \(slowest) s behind the checkpointer")
    }
}
