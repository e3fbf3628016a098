import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// Deploys, their numbers, dedup ids, suggestions and events (the OpsLevel contract of
/// DESIGN §3), the same on every store.
@Suite struct DeployStoreContractTests {
    static func record(_ service: String, matched: String? = nil, dedup: String? = nil, status: String = "succeeded",
                       number: String? = nil, environment: String? = "Production") throws -> DeployRecord {
        var body: [String: JSON] = ["service": .string(service), "description": .string("d"), "deployed_at": .string("2019-02-01 13:28:33"),
                                    "deployer": .object(["name": .string("M")]), "status": .string(status)]
        if let dedup { body["dedup_id"] = .string(dedup) }
        if let number { body["deploy_number"] = .string(number) }
        if let environment { body["environment"] = .string(environment) }
        let payload = try DeployPayload.parse(Array(JSON.sortedObject(body).compactText.utf8)).get()
        return DeployRecord(endpoint: "ci", payload: payload, serviceName: matched, receivedAt: Timestamp.now(), revision: 1)
    }

    func record(_ service: String, matched: String? = nil, dedup: String? = nil, status: String = "succeeded",
                number: String? = nil, environment: String? = "Production") throws -> DeployRecord {
        try Self.record(service, matched: matched, dedup: dedup, status: status, number: number, environment: environment)
    }

    func created(_ outcomes: [DeployOutcome]) -> [String] {
        outcomes.compactMap { if case .created(_, let n, _) = $0 { return n } else { return nil } }
    }

    /// `plan --replay` reads history through `eachEvent`: newest first across pages, within
    /// a window, at most a count, stopping when asked.
    @Test(arguments: StoreKind.available)
    func eachEventHandsOverRecordedEventsNewestFirstAcrossPages(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
        let total = SQLiteDeployStore.eventPage * 2 + 17
        var ids: [String] = []
        for start in stride(from: 0, to: total, by: 500) {
            let outcomes = try store.record(try (start..<min(total, start + 500)).map { _ in try record("cart", matched: "cart") })
            ids += outcomes.compactMap { if case .created(_, _, let id) = $0 { return id } else { return nil } }
        }
        var seen: [String] = []
        try store.eachEvent(since: nil, limit: nil) { seen.append($0["id"]?.stringValue ?? ""); return true }
        #expect(seen == ids.reversed(), "every event once, newest first")
        var limited: [JSON] = []
        try store.eachEvent(since: nil, limit: 1_003) { limited.append($0); return true }
        #expect(limited.map { $0["id"]?.stringValue ?? "" } == Array(ids.reversed().prefix(1_003)))
        #expect(limited.first?["type"] == .string("deploy.succeeded") && limited.first?["data"]?["service"] == .string("cart"))
        var none = 0
        try store.eachEvent(since: Timestamp.epochMilliseconds() + 60_000, limit: nil) { _ in none += 1; return true }
        #expect(none == 0, "nothing was recorded in the future")
        var recent = 0
        try store.eachEvent(since: Timestamp.epochMilliseconds() - 3_600_000, limit: nil) { _ in recent += 1; return true }
        #expect(recent == total)
        var stoppedAfter = 0
        try store.eachEvent(since: nil, limit: nil) { _ in stoppedAfter += 1; return stoppedAfter < 3 }
        #expect(stoppedAfter == 3)
    }

    /// A service's deploys across its keys and environments, newest first, cut by the limit
    /// and by `since`, however they interleave (SQLite follows one list per service and
    /// environment and merges them; PostgreSQL reads an index).
    @Test(arguments: StoreKind.available)
    func listingsByServiceMergeKeysAndEnvironmentsNewestFirst(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
        let environments: [String?] = ["Production", "Staging", nil, "QA"]
        var expected: [String: [Int]] = [:]
        var batch: [DeployRecord] = []
        for i in 0..<400 {
            let environment = environments[(i * 7 + i / 13) % 4]
            let (sent, key) = i % 5 == 0 ? ("shop_cart", "cart") : i % 3 == 0 ? ("search", "search") : ("cart", "cart")
            batch.append(try record(sent, matched: key, environment: environment))
            if batch.count == 37 || i == 399 {
                let outcomes = try store.record(batch)
                for (record, outcome) in zip(batch, outcomes) {
                    guard case .created(let id, _, _) = outcome else { continue }
                    expected[record.serviceName ?? "", default: []].insert(id, at: 0)
                    expected["\(record.serviceName ?? "")/\(record.payload.environment ?? "none")", default: []].insert(id, at: 0)
                }
                batch = []
            }
        }
        let cart = try #require(expected["cart"])
        #expect(try store.deploys(DeployQuery(service: "cart", limit: 1_000)).map(\.id) == cart)
        #expect(try store.deploys(DeployQuery(service: "cart", limit: 25)).map(\.id) == Array(cart.prefix(25)))
        #expect(try store.deploys(DeployQuery(service: "cart", environment: "Staging", limit: 1_000)).map(\.id) == expected["cart/Staging"])
        #expect(try store.deploys(DeployQuery(service: "search", environment: "QA", limit: 3)).map(\.id)
                == Array(try #require(expected["search/QA"]).prefix(3)))
        var both = DeployQuery(service: "cart", limit: 1_000)
        both.services = ["search", "cart"]
        #expect(try store.deploys(both).map(\.id) == (cart + (expected["search"] ?? [])).sorted(by: >))
        // Since a time: each list stops at the first deploy received before it.
        let all = try store.deploys(DeployQuery(limit: 1_000))
        let since = try #require(all.first { $0.id == cart[cart.count / 2] }).receivedAt
        let first = try #require(all.last { $0.receivedAt >= since }).id
        #expect(try store.deploys(DeployQuery(service: "cart", since: since, limit: 1_000)).map(\.id) == cart.filter { $0 >= first })
        #expect(try store.deploys(DeployQuery(service: "nothing")).isEmpty)
        #expect(try store.deploys(DeployQuery(service: "cart", environment: "Nowhere")).isEmpty)
    }

    @Test(arguments: StoreKind.available)
    func numbersDeploysPerServiceAndKeepsGivenNumbers(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
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
        let afterRestart = try state.deployStore().record([try record("cart", matched: "cart"), try record("search", matched: "search")])
        #expect((next + afterRestart).compactMap { if case .created(_, let n, _) = $0 { return n } else { return nil } } == ["79", "80", "2"])
        #expect(try store.deploys(DeployQuery(limit: 2)).count == 2)
    }

    /// Issue 11, defect 6: an explicit "19" then a deploy without a number gave both 19.
    @Test(arguments: StoreKind.available)
    func generatedNumbersNeverRepeatOnesTheServiceUsed(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
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

    @Test(arguments: StoreKind.available)
    func aPayloadIsStoredOnceAsItsEventsDataAndListedWhole(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
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
        #expect(try state.integer("SELECT count(*) FROM deploys WHERE payload != ''") == 0)
    }

    @Test(arguments: StoreKind.available)
    func aServiceListsTheDeploysSentUnderItsAliasesBeforeTheyWereDeclared(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
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

    @Test(arguments: StoreKind.available)
    func dedupIDsAreDuplicatesUnlessTheStatusChanges(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
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
        let events = try store.events(type: nil, limit: 100)
        #expect(events.compactMap { $0["type"]?.stringValue } == ["deploy.succeeded", "deploy.started"])
    }

    @Test(arguments: StoreKind.available)
    func unknownServicesBecomeSuggestionsWithOneEvent(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
        _ = try store.record([try record("mystery"), try record("mystery", environment: "Staging"), try record("mystery")])
        let suggestions = try store.suggestions()
        #expect(suggestions.count == 1)
        #expect(suggestions.first?.deploys == 3)
        #expect(suggestions.first?.environments == ["Production", "Staging"])
        #expect(try store.events(type: EventType.serviceSuggested, limit: 100).count == 1)
        #expect(try store.events(type: EventType.deploySucceeded, limit: 100).count == 3)
        let deploy = try #require(try store.deploys(DeployQuery()).first)
        #expect(deploy.json["matched"] == .bool(false))
        #expect(deploy.json["service"] == .string("mystery"))
    }

    @Test(arguments: StoreKind.available)
    func eventsAreCloudEventsEnvelopes(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
        _ = try store.record([try record("cart", matched: "cart", number: "5")])
        let event = try #require(try store.events(type: nil, limit: 100).first)
        #expect(event["specversion"] == .string("1.0"))
        #expect(event["source"] == .string("/endpoints/ci"))
        #expect(event["service"] == .string("cart"))
        #expect(event["data"]?["deploy_number"] == .string("5"))
        #expect(event["data"]?["status"] == .string("succeeded"))
    }

    @Test(arguments: StoreKind.available)
    func concurrentDuplicatesFromSeparateConnectionsYieldOneDeploy(_ kind: StoreKind) async throws {
        let state = try kind.fresh()
        _ = try state.deployStore()
        let records = try (0..<8).map { _ in try record("cart", matched: "cart", dedup: "same") }
        let outcomes = await withTaskGroup(of: DeployOutcome?.self) { group in
            for r in records {
                group.addTask { (try? state.deployStore().record([r]))?.first }
            }
            var all: [DeployOutcome?] = []
            for await o in group { all.append(o) }
            return all
        }
        #expect(outcomes.allSatisfy { $0 != nil })
        #expect(outcomes.filter { if case .created? = $0 { return true } else { return false } }.count == 1)
        #expect(try state.integer("SELECT count(*) FROM deploys") == 1)
    }

    /// Replicas number one service's deploys at once: each generated number is given once.
    @Test(arguments: StoreKind.available)
    func generatedNumbersNeverRepeatAcrossConnections(_ kind: StoreKind) async throws {
        let state = try kind.fresh()
        _ = try state.deployStore()
        let batches = try (0..<6).map { _ in try (0..<5).map { _ in try record("cart", matched: "cart") } }
        let numbers = await withTaskGroup(of: [String].self) { group in
            for batch in batches {
                group.addTask { (try? state.deployStore().record(batch)).map(self.created) ?? [] }
            }
            var all: [String] = []
            for await some in group { all += some }
            return all
        }
        #expect(numbers.count == 30 && Set(numbers).count == 30, "\(numbers.sorted())")
        #expect(Set(numbers) == Set((1...30).map(String.init)))
    }

    /// A Standard Webhooks message id seen through one connection is a replay through any other.
    @Test(arguments: StoreKind.available)
    func aWebhookMessageIsStoredOnceWhicheverConnectionSeesItFirst(_ kind: StoreKind) async throws {
        let state = try kind.fresh()
        _ = try state.deployStore()
        let now = Int(Timestamp.epochMilliseconds() / 1000)
        func received() -> ReceivedEvent {
            ReceivedEvent(event: CloudEvent(id: EventID.make(), source: "/endpoints/hook", type: "webhook.received", time: Timestamp.now(),
                                            subject: nil, data: .object(["n": .int(1)]), endpoint: "hook"),
                          endpoint: "hook", messageID: "msg_1", receivedAtSeconds: now, revision: 1)
        }
        let copies = (0..<6).map { _ in received() }
        let outcomes = await withTaskGroup(of: ReceivedOutcome?.self) { group in
            for copy in copies {
                group.addTask { (try? state.deployStore().record(received: [copy], forgetBefore: now - 300))?.first }
            }
            var all: [ReceivedOutcome?] = []
            for await o in group { all.append(o) }
            return all
        }
        let stored = outcomes.compactMap { if case .stored(let id, _)? = $0 { return id } else { return nil } }
        let replays = outcomes.compactMap { if case .replay(let id)? = $0 { return id } else { return nil } }
        #expect(stored.count == 1 && replays.count == 5, "\(outcomes)")
        #expect(Set(replays) == Set(stored), "a replay names the event first stored")
        #expect(try state.deployStore().events(type: "webhook.received", limit: 10).count == 1)
        // Outside the replay window the id is forgotten, and the message is new again.
        let later = try state.deployStore().record(received: [received()], forgetBefore: now + 1)
        if case .stored? = later.first {} else { Issue.record("expected the message to be stored again, got \(later)") }
    }
}
