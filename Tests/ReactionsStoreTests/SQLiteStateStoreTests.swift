import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

@Suite struct SQLiteStateStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-store-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("nested/state.db").path }

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

    @Test func anEmptyStoreHasNoHeadAndIsCreatedOwnerOnly() throws {
        let store = try SQLiteStateStore(path: path)
        #expect(try store.head() == nil)
        #expect(try store.history(limit: nil).isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func commitsNumberedRevisionsAndReadsThemBack() throws {
        let store = try SQLiteStateStore(path: path)
        let script = Array("#!/bin/sh\necho hi\n".utf8)
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
        #expect(try store.revision(9) == nil)
        // A second connection (another process, in real life) sees the same state.
        #expect(try SQLiteStateStore(path: path).head()?.number == 2)
    }

    @Test func eachRevisionCommitsAConfigAppliedEvent() throws {
        let store = try SQLiteStateStore(path: path)
        _ = try store.commit(commit(document(["a"])), expectedBase: nil)
        _ = try store.commit(commit(document(["a", "b"]), source: "rollback to 1"), expectedBase: 1)
        #expect(throws: StoreError.self) { try store.commit(commit(document(["c"])), expectedBase: 1) }
        let events = try SQLiteDeployStore(path: path).events(type: EventType.configApplied)
        #expect(events.count == 2, "a refused commit announces nothing")
        #expect(events.first?["data"]?["number"] == .int(2))
        #expect(events.first?["data"]?["source"] == .string("rollback to 1"))
        #expect(events.first?["source"] == .string("/config"))
    }

    @Test func aStaleBaseIsRefusedAndWritesNothing() throws {
        let store = try SQLiteStateStore(path: path)
        _ = try store.commit(commit(document(["a"])), expectedBase: nil)
        #expect(throws: StoreError.stale(expected: nil, actual: 1)) { try store.commit(commit(document(["b"])), expectedBase: nil) }
        #expect(throws: StoreError.stale(expected: 5, actual: 1)) { try store.commit(commit(document(["b"])), expectedBase: 5) }
        #expect(try store.history(limit: nil).count == 1)
        #expect(StoreError.stale(expected: 1, actual: 2).description.contains("stale"))
    }

    @Test func missingScriptSnapshotsAbortTheWholeCommit() throws {
        let store = try SQLiteStateStore(path: path)
        #expect(throws: StoreError.self) {
            try store.commit(commit(document(["a"], script: Array("x".utf8))), expectedBase: nil)
        }
        #expect(try store.head() == nil)
    }

    @Test func concurrentCommitsAgainstTheSameBaseNeverInterleave() async throws {
        _ = try SQLiteStateStore(path: path)
        let path = self.path
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask {
                    // Each writer has its own connection, as separate `apply` processes do.
                    guard let store = try? SQLiteStateStore(path: path) else { return false }
                    let doc = StateDocument(resources: [ResourceAddress(.service, "s\(i)"): .object(["name": .string("s\(i)")])])
                    let c = RevisionCommit(document: doc, scripts: [:], createdBy: "w\(i)", source: "apply", summary: Plan.Summary())
                    return (try? store.commit(c, expectedBase: nil)) != nil
                }
            }
            var results: [Bool] = []
            for await r in group { results.append(r) }
            return results
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try SQLiteStateStore(path: path).history(limit: nil).count == 1)
    }

    /// Regression: processes creating the store at the same moment raced on switching it to
    /// WAL, and one of them failed with "database is locked".
    @Test func manyConnectionsCreatingTheStoreAtOnceAllSucceed() async throws {
        for round in 0..<20 {
            let path = directory.appendingPathComponent("race-\(round).db").path
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let failures = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do { _ = try SQLiteStateStore(path: path).head(); return nil } catch { return "\(error)" }
                    }
                }
                var out: [String] = []
                for await f in group { if let f { out.append(f) } }
                return out
            }
            #expect(failures.isEmpty, "round \(round): \(failures)")
        }
    }

    @Test func aDatabaseFromANewerReleaseIsRefused() throws {
        _ = try SQLiteStateStore(path: path)
        let db = try SQLiteDatabase(path: path)
        try db.execute("PRAGMA user_version = 99")
        #expect(throws: StoreError.newerSchema(found: 99, supported: StoreSchema.migrations.count)) { try SQLiteStateStore(path: path) }
    }

    @Test func aCorruptDocumentIsReportedNotTrusted() throws {
        let store = try SQLiteStateStore(path: path)
        _ = try store.commit(commit(document(["a"])), expectedBase: nil)
        try SQLiteDatabase(path: path).execute("UPDATE revisions SET document = '{broken'")
        #expect(throws: StoreError.self) { try store.revision(1) }
    }
}
