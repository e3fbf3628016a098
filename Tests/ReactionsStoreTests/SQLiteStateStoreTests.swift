import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// What only the SQLite file has; what every store does is in `StateStoreContractTests`.
@Suite struct SQLiteStateStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-store-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("nested/state.db").path }

    @Test func anEmptyStoreHasNoHeadAndIsCreatedOwnerOnly() throws {
        let store = try SQLiteStateStore(path: path)
        #expect(try store.head() == nil)
        #expect(try store.history(limit: nil).isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
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
}
