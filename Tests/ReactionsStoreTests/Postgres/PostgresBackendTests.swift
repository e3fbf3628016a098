import Foundation
import Testing
import ReactionsCore
import TestSupport
@testable import ReactionsStore

/// What replicas share through the database besides the state: the script token key and
/// the wake-up on a new revision.
@Suite(.enabled(if: PostgresServer.enabled, "PostgreSQL is not installed"))
struct PostgresBackendTests {
    @Test func everyReplicaGetsTheSameScriptTokenKeyEvenWhenTheyStartTogether() async throws {
        let backend = PostgresBackend(uri: try PostgresServer.server().database())
        #expect(!backend.exists, "an empty database holds no state")
        let keys = await withTaskGroup(of: [UInt8]?.self) { group in
            for _ in 0..<6 { group.addTask { try? backend.scriptTokenKey() } }
            var all: [[UInt8]?] = []
            for await key in group { all.append(key) }
            return all
        }
        #expect(keys.allSatisfy { $0?.count == 32 } && Set(keys.compactMap { $0 }).count == 1)
        #expect(backend.exists)
        #expect(try backend.scriptTokenKey() == keys.first ?? nil)
    }

    @Test func aCommittedRevisionWakesTheWatchAtOnce() throws {
        let backend = PostgresBackend(uri: try PostgresServer.server().database())
        let store = try backend.stateStore()
        let signal = try #require(backend.signal())
        #expect(signal.wait(milliseconds: 50).isEmpty, "nothing applied: the wait runs out")
        let document = StateDocument(resources: [ResourceAddress(.service, "a"): .object(["name": .string("a")])])
        _ = try store.commit(RevisionCommit(document: document, scripts: [:], createdBy: "t", source: "apply", summary: Plan.Summary(add: 1)),
                             expectedBase: nil)
        let started = Date()
        #expect(signal.wait(milliseconds: 5_000) == .revision)
        #expect(Date().timeIntervalSince(started) < 1, "woken by the commit, not by the time running out")
        #expect(signal.wait(milliseconds: 50).isEmpty, "one wake-up per commit")
    }

    /// Deliveries queued by one replica wake the others' dispatchers, at most ten times a second.
    @Test func queuedDeliveriesWakeTheOtherReplicasThrottled() throws {
        let backend = PostgresBackend(uri: try PostgresServer.server().database())
        let store = try backend.deployStore(writer: true)
        let signal = try #require(backend.signal())
        #expect(signal.wait(milliseconds: 50).isEmpty)
        let matcher = ReactionMatcher(mayFire: { _, _, _ in true }, firings: { _, _ in Firings(firing: ["mark"]) })
        func deploy(_ dedup: String) throws -> DeployRecord {
            let body = #"{"service":"cart","description":"d","deployed_at":"2019-02-01 13:28:33","deployer":{"name":"M"},"dedup_id":"\#(dedup)"}"#
            return DeployRecord(endpoint: "ci", payload: try DeployPayload.parse(Array(body.utf8)).get(), serviceName: "cart",
                                receivedAt: Timestamp.now(), revision: 1, matcher: matcher)
        }
        let started = Date()
        for i in 0..<5 { _ = try store.record([try deploy("d\(i)")]) }
        #expect(signal.wait(milliseconds: 5_000) == .deliveries)
        #expect(Date().timeIntervalSince(started) < 1)
        // Five batches within a tenth of a second were announced once.
        if Date().timeIntervalSince(started) < 0.09 { #expect(signal.wait(milliseconds: 50).isEmpty) }
        // A deploy that queues nothing announces nothing.
        Thread.sleep(forTimeInterval: 0.15)
        let quiet = try backend.deployStore(writer: true)
        _ = try quiet.record([DeployRecord(endpoint: "ci", payload: try deploy("quiet").payload, serviceName: "cart",
                                           receivedAt: Timestamp.now(), revision: 1)])
        #expect(signal.wait(milliseconds: 200).isEmpty)
    }
}
