import Foundation
import Testing
@testable import ReactionsStore

/// The VFS that writes a commit's log frames with one system call (`sqlite_log.c`): fewer
/// calls, the same bytes, and nothing another connection or a later read could tell apart.
@Suite struct CoalescingLogTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-log-\(UUID().uuidString)/state.db").path

    func insertRows(_ db: SQLiteDatabase, count: Int) throws(StoreError) {
        let insert = try db.prepare("INSERT INTO t (blob) VALUES (randomblob(300))")
        for _ in 0..<count { try insert.run() }
    }

    @Test func aCommitsFramesGoOutInAFewCallsAndOthersSeeThemAtOnce() throws {
        let writer = try SQLiteDatabase(path: path, coalescingLog: true)
        try writer.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
        let reader = try SQLiteDatabase(path: path)
        for round in 1...5 {
            let before = SQLiteDatabase.coalescingTotals
            try writer.transaction { () throws(StoreError) in try insertRows(writer, count: 100) }
            let after = SQLiteDatabase.coalescingTotals
            let requested = after.requested - before.requested, issued = after.issued - before.issued
            // About ten pages: two writes each without the VFS, one call for all of them with it.
            #expect(requested >= 16)
            #expect(issued * 4 <= requested)
            // Synced before SQLite publishes the commit: the default VFS reads it straight away.
            #expect(try reader.integer("SELECT count(*) FROM t") == round * 100)
        }
    }

    /// A transaction larger than the page cache writes pages to the log before it commits
    /// and reads them back from there; a buffer left unwritten would read as stale pages.
    @Test func pagesSpilledMidTransactionReadBackWhole() throws {
        let writer = try SQLiteDatabase(path: path, coalescingLog: true)
        try writer.execute("PRAGMA cache_size = 8")
        try writer.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
        let updated = try writer.transaction { () throws(StoreError) -> Int in
            try insertRows(writer, count: 5_000)
            try writer.execute("UPDATE t SET blob = zeroblob(200) WHERE n % 7 = 1")
            return try writer.integer("SELECT count(*) FROM t WHERE length(blob) = 200")
        }
        #expect(updated == 715)
        #expect(try writer.integer("SELECT sum(length(blob)) FROM t") == 715 * 200 + 4_285 * 300)
        let check = try writer.prepare("PRAGMA integrity_check")
        #expect(try check.step() && check.text(0) == "ok")
        check.reset()
        // And from a fresh connection after the writer's log is checkpointed.
        _ = try writer.checkpoint(.restart)
        #expect(try SQLiteDatabase(path: path).integer("SELECT count(*) FROM t") == 5_000)
    }

    /// A commit larger than one buffer (the unix VFS writes at most 128 KiB per call).
    @Test func aCommitLargerThanTheBufferIsWrittenInParts() throws {
        let writer = try SQLiteDatabase(path: path, coalescingLog: true)
        try writer.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
        let before = SQLiteDatabase.coalescingTotals
        try writer.transaction { () throws(StoreError) in try insertRows(writer, count: 4_000) }
        #expect(SQLiteDatabase.coalescingTotals.issued - before.issued > 1)
        #expect(try SQLiteDatabase(path: path).integer("SELECT count(*) FROM t") == 4_000)
    }
}
