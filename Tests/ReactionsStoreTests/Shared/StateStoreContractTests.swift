import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// Hands a connection to the one task that uses it.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Revisions (DESIGN §5), the same on every store.
@Suite struct StateStoreContractTests {
    func document(_ names: [String], script: [UInt8]? = nil) -> StateDocument {
        var resources: [ResourceAddress: JSON] = [:]
        for name in names { resources[ResourceAddress(.service, name)] = .object(["name": .string(name)]) }
        if let script {
            resources[ResourceAddress(.reaction, "r")] = .object([
                "name": .string("r"), "when": .object(["events": .array([.string("deploy.succeeded")])]),
                "then": .object(["script": .object(["content_sha256": .string(SHA256.hexDigest(script)), "path": .string("r.sh")])]),
            ])
        }
        return StateDocument(resources: resources)
    }

    func commit(_ doc: StateDocument, scripts: [String: [UInt8]] = [:], source: String = "apply") -> RevisionCommit {
        RevisionCommit(document: doc, scripts: scripts, createdBy: "test", source: source, summary: Plan.Summary(add: 1))
    }

    @Test(arguments: StoreKind.available)
    func anEmptyStateHasNoHead(_ kind: StoreKind) throws {
        let store = try kind.fresh().stateStore()
        #expect(try store.head() == nil)
        #expect(try store.history(limit: nil).isEmpty)
        #expect(try store.revision(1) == nil)
    }

    @Test(arguments: StoreKind.available)
    func commitsNumberedRevisionsAndReadsThemBack(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.stateStore()
        // Every byte value, so binary script content survives the trip.
        let script = Array("#!/bin/sh\necho hi\n".utf8) + (0...255).map { UInt8($0) }
        let first = try store.commit(commit(document(["a"], script: script), scripts: [SHA256.hexDigest(script): script]), expectedBase: nil)
        #expect(first.number == 1)
        let second = try store.commit(commit(document(["a", "b"])), expectedBase: 1)
        #expect(second.number == 2)
        #expect(try store.head()?.number == 2)
        #expect(try store.history(limit: nil).map(\.number) == [2, 1])
        #expect(try store.history(limit: 1).map(\.number) == [2])
        let read = try #require(try store.revision(1))
        #expect(read.document == document(["a"], script: script))
        #expect(read.scripts[SHA256.hexDigest(script)] == script)
        #expect(read.info.hash == document(["a"], script: script).hash)
        #expect(read.info.createdBy == "test" && read.info.source == "apply" && read.info.summary.add == 1)
        #expect(try store.revision(9) == nil)
        // A second connection (another process, in real life) sees the same state.
        #expect(try state.stateStore().head()?.number == 2)
    }

    @Test(arguments: StoreKind.available)
    func eachRevisionCommitsAConfigAppliedEvent(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.stateStore()
        _ = try store.commit(commit(document(["a"])), expectedBase: nil)
        _ = try store.commit(commit(document(["a", "b"]), source: "rollback to 1"), expectedBase: 1)
        #expect(throws: StoreError.self) { try store.commit(commit(document(["c"])), expectedBase: 1) }
        let events = try state.events(type: EventType.configApplied)
        #expect(events.count == 2, "a refused commit announces nothing")
        #expect(events.first?["data"]?["number"] == .int(2))
        #expect(events.first?["data"]?["source"] == .string("rollback to 1"))
        #expect(events.first?["source"] == .string("/config"))
    }

    @Test(arguments: StoreKind.available)
    func aStaleBaseIsRefusedAndWritesNothing(_ kind: StoreKind) throws {
        let store = try kind.fresh().stateStore()
        _ = try store.commit(commit(document(["a"])), expectedBase: nil)
        #expect(throws: StoreError.stale(expected: nil, actual: 1)) { try store.commit(commit(document(["b"])), expectedBase: nil) }
        #expect(throws: StoreError.stale(expected: 5, actual: 1)) { try store.commit(commit(document(["b"])), expectedBase: 5) }
        #expect(try store.history(limit: nil).count == 1)
    }

    @Test(arguments: StoreKind.available)
    func missingScriptSnapshotsAbortTheWholeCommit(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.stateStore()
        #expect(throws: StoreError.self) {
            try store.commit(commit(document(["a"], script: Array("x".utf8))), expectedBase: nil)
        }
        #expect(try store.head() == nil)
        #expect(try state.events(type: EventType.configApplied).isEmpty)
    }

    /// Two applies (two processes, or two replicas' admin APIs) against the same base: one wins.
    @Test(arguments: StoreKind.available)
    func concurrentCommitsAgainstTheSameBaseNeverInterleave(_ kind: StoreKind) async throws {
        let state = try kind.fresh()
        // Connected first, so the commits themselves race (opening one migrates under a lock).
        let stores = try (0..<8).map { _ in Unchecked(try state.stateStore()) }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for (i, store) in stores.enumerated() {
                group.addTask {
                    do {
                        let store = store.value
                        let doc = StateDocument(resources: [ResourceAddress(.service, "s\(i)"): .object(["name": .string("s\(i)")])])
                        let c = RevisionCommit(document: doc, scripts: [:], createdBy: "w\(i)", source: "apply", summary: Plan.Summary())
                        _ = try store.commit(c, expectedBase: nil)
                        return "committed"
                    } catch StoreError.stale {
                        return "stale"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var results: [String] = []
            for await r in group { results.append(r) }
            return results.sorted()
        }
        // The losers are told the plan is stale, not handed a database error.
        #expect(outcomes == ["committed"] + Array(repeating: "stale", count: 7), "\(outcomes)")
        #expect(try state.stateStore().history(limit: nil).count == 1)
    }

    @Test(arguments: StoreKind.available)
    func aSchemaFromANewerReleaseIsRefused(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        _ = try state.stateStore()
        try state.pretendNewerSchema(99)
        #expect(throws: StoreError.newerSchema(found: 99, supported: state.supportedSchema)) { try state.stateStore() }
    }

    @Test(arguments: StoreKind.available)
    func aCorruptDocumentIsReportedNotTrusted(_ kind: StoreKind) throws {
        let state = try kind.fresh()
        let store = try state.stateStore()
        _ = try store.commit(commit(document(["a"])), expectedBase: nil)
        try state.execute("UPDATE revisions SET document = '{broken'")
        #expect(throws: StoreError.self) { try store.revision(1) }
    }
}
