import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// Retention (issue 16), the same on every store. Everything is made now, so "older than"
/// is a cutoff a little in the future: the same as pruning a store whose rows have aged past it.
@Suite struct RetentionContractTests {
    static func deploy(_ service: String = "cart", environment: String? = "Production", description: String = "d", dedup: String? = nil,
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

    static func attempt(ok: Bool) -> AttemptRecord {
        AttemptRecord(number: 1, startedAt: Timestamp.now(), milliseconds: 3, succeeded: ok, httpStatus: ok ? 200 : 500, exitStatus: nil,
                      error: ok ? nil : "unexpected status 500", response: ok ? "fine" : "boom")
    }

    /// A minute from now: everything recorded so far is older than this.
    var soon: Int64 { Timestamp.epochMilliseconds() + 60_000 }

    @Test(arguments: StoreKind.available)
    func eventsGoWithTheirFinishedDeliveriesAndAttemptsWhileUnfinishedOnesStay(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
        let outbox = try state.deliveryStore()
        // Four deploys: one fires nothing, one is delivered, one retrying, one pending.
        _ = try store.record([try Self.deploy(dedup: "quiet"), try Self.deploy(dedup: "done", reactions: ["mark"]),
                              try Self.deploy(dedup: "again", reactions: ["notify"]), try Self.deploy(dedup: "waiting", reactions: ["later"])])
        let now = Timestamp.epochMilliseconds()
        let due = Dictionary(uniqueKeysWithValues: try outbox.due(now: now, excluding: [], limit: 10).map { ($0.reaction, $0.id) })
        try outbox.record([AttemptOutcome(deliveryID: try #require(due["mark"]), attempt: Self.attempt(ok: true), next: .delivered),
                           AttemptOutcome(deliveryID: try #require(due["notify"]), attempt: Self.attempt(ok: false), next: .retry(at: now + 3_600_000))])
        let before = try outbox.deliveries(DeliveryQuery())
        let kept = Set(before.filter { $0.status != .delivered }.map(\.eventID))

        let pruner = try state.pruner()
        let dry = try pruner.pruneAll(eventsBefore: soon, deploysBefore: nil, dryRun: true)
        #expect(dry == PruneCounts(events: 2, deliveries: 1, attempts: 1))
        #expect(try outbox.deliveries(DeliveryQuery()).count == 3, "a dry run removes nothing")
        let counts = try pruner.pruneAll(eventsBefore: soon, deploysBefore: nil, dryRun: false, batchSize: 1)
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
        #expect(try pruner.pruneAll(eventsBefore: soon, deploysBefore: nil, dryRun: false) == PruneCounts())
    }

    @Test(arguments: StoreKind.available)
    func aDeployWhoseEventIsPrunedIsListedExactlyAsBefore(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
        _ = try store.record([try Self.deploy(description: "first", dedup: "d1", status: "started")])
        _ = try store.record([try Self.deploy(description: "second", dedup: "d1", status: "succeeded"), try Self.deploy("search")])
        let before = try store.deploys(DeployQuery()).map(\.json)
        let eventIDs = try store.deploys(DeployQuery()).compactMap(\.eventID)
        #expect(eventIDs.count == 2)
        let counts = try state.pruner().pruneAll(eventsBefore: soon, deploysBefore: nil, dryRun: false)
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

    @Test(arguments: StoreKind.available)
    func oldDeploysGoButEachServiceAndEnvironmentKeepsItsLatest(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.deployStore()
        _ = try store.record([try Self.deploy("cart"), try Self.deploy("cart"), try Self.deploy("cart", environment: "Staging"),
                              try Self.deploy("cart", environment: nil), try Self.deploy("cart", environment: nil), try Self.deploy("search")])
        let latest = try store.deploys(DeployQuery())
        let pruner = try state.pruner()
        #expect(try pruner.pruneAll(eventsBefore: nil, deploysBefore: soon, dryRun: true) == PruneCounts(deploys: 2))
        #expect(try pruner.pruneAll(eventsBefore: nil, deploysBefore: soon, dryRun: false, batchSize: 2) == PruneCounts(deploys: 2))
        let left = try store.deploys(DeployQuery())
        #expect(left.map(\.id) == [latest[0].id, latest[1].id, latest[3].id, latest[4].id], "the latest of each (service, environment)")
        // Numbers never repeat, even after the deploys that used them are gone.
        let outcome = try store.record([try Self.deploy("cart")])
        guard case .created(_, let number, _)? = outcome.first else { Issue.record("not created: \(outcome)"); return }
        #expect(number == "6")
        // Deploys younger than the cutoff are not touched.
        #expect(try pruner.pruneAll(eventsBefore: nil, deploysBefore: Timestamp.epochMilliseconds() - 60_000, dryRun: false) == PruneCounts())
    }
}
