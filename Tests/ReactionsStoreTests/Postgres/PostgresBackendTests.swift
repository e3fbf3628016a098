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
        let signal = try #require(backend.revisionSignal())
        #expect(!signal.wait(milliseconds: 50), "nothing applied: the wait runs out")
        let document = StateDocument(resources: [ResourceAddress(.service, "a"): .object(["name": .string("a")])])
        _ = try store.commit(RevisionCommit(document: document, scripts: [:], createdBy: "t", source: "apply", summary: Plan.Summary(add: 1)),
                             expectedBase: nil)
        let started = Date()
        #expect(signal.wait(milliseconds: 5_000))
        #expect(Date().timeIntervalSince(started) < 1, "woken by the commit, not by the time running out")
        #expect(!signal.wait(milliseconds: 50), "one wake-up per commit")
    }
}
