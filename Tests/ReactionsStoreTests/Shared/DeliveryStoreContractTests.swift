import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// The outbox (DESIGN §4), the same on every store; and, where several dispatchers share
/// one store, claims that never hand one delivery to two of them at once.
@Suite struct DeliveryStoreContractTests {
    /// Records one deploy of `cart` firing `reactions`; returns the deliveries' ids by reaction.
    @discardableResult
    func deploy(_ state: FreshState, firing reactions: [String]) throws -> [String: String] {
        let body = #"{"service":"cart","description":"d","deployed_at":"2019-02-01 13:28:33","deployer":{"name":"M"},"environment":"Production"}"#
        let payload = try DeployPayload.parse(Array(body.utf8)).get()
        let matcher = ReactionMatcher(mayFire: { _, _, _ in true }, firings: { _, _ in Firings(firing: reactions) })
        let outcomes = try state.deployStore().record([DeployRecord(endpoint: "ci", payload: payload, serviceName: "cart",
                                                                    receivedAt: Timestamp.now(), revision: 1, matcher: matcher)])
        guard case .created(_, _, let eventID)? = outcomes.first else { throw StoreError.corrupt("no deploy recorded") }
        let listed = try state.deliveryStore().deliveries(DeliveryQuery(eventID: eventID))
        return Dictionary(uniqueKeysWithValues: listed.map { ($0.reaction, $0.id) })
    }

    func attempt(_ n: Int, ok: Bool, error: String? = nil) -> AttemptRecord {
        AttemptRecord(number: n, startedAt: Timestamp.now(), milliseconds: 3, succeeded: ok, httpStatus: ok ? 200 : 500, exitStatus: nil,
                      error: ok ? nil : error ?? "unexpected status 500", response: ok ? "fine" : "boom")
    }

    @Test(arguments: StoreKind.available)
    func attemptsMoveDeliveriesAlongAndDeadLettersRaiseAnEvent(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let ids = try deploy(state, firing: ["a", "b", "c"])
        let outbox = try state.deliveryStore()
        let now = Timestamp.epochMilliseconds()
        let due = try outbox.due(now: now, excluding: [], limit: 10)
        #expect(due.count == 3 && due.allSatisfy { $0.envelope["type"] == .string("deploy.succeeded") && $0.envelope["service"] == .string("cart") })
        #expect(try outbox.due(now: now, excluding: Set(due.map(\.id)), limit: 10).isEmpty, "running deliveries are not handed out twice")
        let idA = try #require(ids["a"]), idB = try #require(ids["b"]), idC = try #require(ids["c"])
        let deadLetter = CloudEvent(id: EventID.make(), source: "/reactions/c", type: EventType.reactionFailed, time: Timestamp.now(),
                                    subject: "c", data: .object(["reaction": .string("c")]), chainDepth: 1)
        try outbox.record([
            AttemptOutcome(deliveryID: idA, attempt: attempt(1, ok: true), next: .delivered),
            AttemptOutcome(deliveryID: idB, attempt: attempt(1, ok: false), next: .retry(at: now + 60_000)),
            AttemptOutcome(deliveryID: idC, attempt: attempt(1, ok: false), next: .failed(deadLetter, revision: 1, firings: Firings(firing: ["page"]))),
        ])
        let a = try #require(try outbox.delivery(id: idA))
        #expect(a.status == .delivered && a.attempts == 1 && a.attemptLog.map(\.response) == ["fine"] && a.attemptLog.first?.succeeded == true)
        let b = try #require(try outbox.delivery(id: idB))
        #expect(b.status == .retrying && b.nextAt == now + 60_000 && b.lastError == "unexpected status 500" && b.attemptLog.first?.httpStatus == 500)
        #expect(try outbox.deliveries(DeliveryQuery(status: .failed)).map(\.reaction) == ["c"])
        #expect(try outbox.deliveries(DeliveryQuery()).map(\.reaction).first == "page", "newest first")
        #expect(try outbox.deliveries(DeliveryQuery(reaction: "b")).map(\.id) == [idB])
        #expect(try state.deployStore().event(id: deadLetter.id)?.envelope == deadLetter.envelope)
        #expect(try outbox.statistics().deliveries == [.delivered: 1, .retrying: 1, .failed: 1, .pending: 1])
        #expect(try outbox.nextDue() ?? .max <= now + 60_000)
    }

    @Test(arguments: StoreKind.available)
    func redeliveryRequeuesWithAFreshBudgetAndKeepsTheID(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let id = try #require(try deploy(state, firing: ["a"])["a"])
        let outbox = try state.deliveryStore()
        // Pending (or retrying): brought forward to now.
        #expect(try outbox.redeliver(id: id, now: 7).nextAt == 7)
        #expect(throws: RedeliverError.notFound("nope")) { try outbox.redeliver(id: "nope", now: 0) }
        let failure = CloudEvent(id: EventID.make(), source: "/reactions/a", type: EventType.reactionFailed, time: Timestamp.now(), subject: "a", data: .null)
        try outbox.record([AttemptOutcome(deliveryID: id, attempt: AttemptRecord(number: 1, startedAt: Timestamp.now(), milliseconds: 1, succeeded: false,
                                                                              httpStatus: nil, exitStatus: 1, error: "exit status 1", response: ""),
                                          next: .failed(failure, revision: 1, firings: .none))])
        let requeued = try outbox.redeliver(id: id, now: 1234)
        #expect(requeued.id == id && requeued.status == .pending && requeued.attempts == 1 && requeued.roundAttempts == 0 && requeued.nextAt == 1234)
        #expect(requeued.attemptLog.first?.exitStatus == 1)
        #expect(try outbox.due(now: 1234, excluding: [], limit: 5).first?.attempts == 1)
    }

    @Test(arguments: StoreKind.available)
    func aRetryWaitingForSecretsIsBroughtForwardWhenAsked(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let ids = try deploy(state, firing: ["a", "b"])
        let outbox = try state.deliveryStore()
        let idA = try #require(ids["a"]), idB = try #require(ids["b"])
        let failed = attempt(1, ok: false, error: "secret B, A is not available")
        try outbox.record([AttemptOutcome(deliveryID: idA, attempt: failed, next: .retry(at: 9_000_000), missingSecrets: ["B", "A"]),
                           AttemptOutcome(deliveryID: idB, attempt: failed, next: .retry(at: 9_000_000))])
        #expect(try outbox.waitingForSecrets() == ["A,B"])
        #expect(try outbox.retryNow(waitingFor: "A", now: 5) == 0)
        #expect(try outbox.retryNow(waitingFor: "A,B", now: 5) == 1)
        #expect(try outbox.delivery(id: idA)?.nextAt == 5 && outbox.delivery(id: idB)?.nextAt == 9_000_000)
        #expect(try outbox.waitingForSecrets().isEmpty)
        guard kind == .sqlite else { return }
        // The dispatcher asks every second: both read only the partial index, not the outbox.
        let db = try SQLiteDatabase(path: state.location)
        for sql in [SQLiteDeliveryStore.waitingSQL, SQLiteDeliveryStore.retryNowSQL] {
            let plan = try db.prepare("EXPLAIN QUERY PLAN " + sql)
            var steps: [String] = []
            while try plan.step() { steps.append(plan.text(3)) }
            #expect(steps.contains { $0.contains("INDEX deliveries_waiting_for") }, "\(steps)")
        }
    }

    // MARK: Several dispatchers (stores that claim)

    static var claiming: [StoreKind] { StoreKind.available.filter { $0 == .postgresql } }

    /// Four dispatchers ask for due deliveries at once: each delivery goes to one of them.
    @Test(arguments: claiming)
    func concurrentDispatchersNeverTakeTheSameDelivery(_ kind: StoreKind) async throws {
        let state = try kind.fresh()
        for _ in 0..<10 { try deploy(state, firing: ["a", "b", "c", "d", "e"]) }
        let now = Timestamp.epochMilliseconds()
        let taken = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    guard let outbox = try? state.deliveryStore() else { return [] }
                    var mine: [String] = []
                    while let batch = try? outbox.due(now: now, excluding: [], limit: 3), !batch.isEmpty { mine += batch.map(\.id) }
                    return mine
                }
            }
            var all: [String] = []
            for await some in group { all += some }
            return all
        }
        #expect(taken.count == 50 && Set(taken).count == 50, "\(taken.count) taken, \(Set(taken).count) distinct")
    }

    /// A dispatcher that stops extending its claims (killed mid-attempt) loses them after
    /// one lease; one that extends them keeps them.
    @Test(arguments: claiming)
    func aLapsedClaimIsTakenUpByAnotherDispatcher(_ kind: StoreKind) async throws {
        let state = try kind.fresh()
        let ids = try deploy(state, firing: ["kept", "lapsed"])
        let first = try state.deliveryStore(lease: 600), second = try state.deliveryStore(lease: 600)
        let claimed = try first.due(now: Timestamp.epochMilliseconds(), excluding: [], limit: 10)
        #expect(claimed.count == 2 && first.claimLease == 600)
        #expect(try second.due(now: Timestamp.epochMilliseconds(), excluding: [], limit: 10).isEmpty)
        let kept = try #require(ids["kept"])
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(200))
            try first.extendClaims([kept], now: Timestamp.epochMilliseconds())
        }
        let takenUp = try second.due(now: Timestamp.epochMilliseconds(), excluding: [], limit: 10)
        #expect(takenUp.map(\.id) == [try #require(ids["lapsed"])])
        // The first dispatcher's attempt still records, and the delivery moves on once.
        try first.record([AttemptOutcome(deliveryID: kept, attempt: attempt(1, ok: true), next: .delivered)])
        #expect(try second.delivery(id: kept)?.status == .delivered)
        // Only the lapsed one (its new claim lapsing too) is ever due again.
        #expect(try second.due(now: Timestamp.epochMilliseconds() + 10_000, excluding: [], limit: 10).map(\.reaction) == ["lapsed"])
    }
}
