import CSQLite
import CSQLiteLog
import Foundation

/// A thin, typed wrapper over one SQLite connection. Not shared across threads: each
/// user opens its own connection, which is how SQLite is fastest and safest.
final class SQLiteDatabase {
    private(set) var handle: OpaquePointer?

    /// `readOnly` opens an existing file as it is (to check a backup): no directory or file
    /// is created, and the journal mode is left alone.
    ///
    /// `coalescingLog` writes each commit's log frames with one system call instead of two
    /// per page (`sqlite_log.c`): for a connection that commits often, and only one that
    /// keeps `synchronous = FULL`, as this initialiser sets it.
    init(path: String, readOnly: Bool = false, coalescingLog: Bool = false) throws(StoreError) {
        if readOnly {
            _ = Self.configured
            guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
                let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
                sqlite3_close(handle)
                handle = nil
                throw .cannotOpen(path: path, reason: message)
            }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        _ = Self.configured
        let created = !FileManager.default.fileExists(atPath: path)
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, coalescingLog && Self.coalescingRegistered ? CSQLITE_COALESCING_VFS : nil)
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            handle = nil
            throw .cannotOpen(path: path, reason: message)
        }
        if created { chmod(path, 0o600) }
        sqlite3_busy_handler(handle, { _, count in SQLiteDatabase.waitForLock(attempt: count) }, nil)
        if created {
            // A new file gives the pages retention frees back to the file system a few at a
            // time (`PRAGMA incremental_vacuum`). The mode is fixed once the file has a header,
            // which switching to WAL writes, so it comes first. Older files reuse freed pages
            // without shrinking until `reactions state vacuum` converts them.
            try execute("PRAGMA auto_vacuum = INCREMENTAL")
        }
        try enableWriteAheadLog()
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit { sqlite3_close_v2(handle) }

    /// Process-wide settings, applied once before the first connection opens (a lazy static
    /// is initialised exactly once, whichever thread gets there first).
    private static let configured: Bool = {
        csqlite_disable_memory_statistics() == SQLITE_OK
    }()

    /// Log writes SQLite asked for on this thread, and the system calls that carried them.
    static var coalescingTotals: (requested: Int, issued: Int) {
        var requested: Int64 = 0, issued: Int64 = 0
        csqlite_coalescing_totals(&requested, &issued)
        return (Int(requested), Int(issued))
    }

    /// Whether the coalescing VFS is available (registration only fails out of memory, and
    /// then connections use the default VFS: slower, as correct).
    private static let coalescingRegistered: Bool = {
        csqlite_register_coalescing_vfs() == SQLITE_OK
    }()

    static let busyTimeoutMilliseconds: Int32 = 15_000

    /// Replaces the 15 s wait for locks with about `milliseconds` of 50 µs polls, for a
    /// connection that would rather give up than make others wait behind it.
    func limitLockWait(milliseconds: Int) {
        let attempts = max(1, milliseconds * 20)
        sqlite3_busy_handler(handle, { context, count in
            guard Int(count) < Int(bitPattern: context) else { return 0 }
            usleep(50)
            return 1
        }, UnsafeMutableRawPointer(bitPattern: attempts))
    }

    /// Waits for another connection's write lock. SQLite's own timeout handler backs off to
    /// sleeps of up to 100 ms, so a writer that loses a race by microseconds waits tens of
    /// milliseconds; the event writer and the dispatcher trade the lock hundreds of times a
    /// second. Short sleeps first (transactions here last well under a millisecond), then
    /// 1 ms ones, 15 s in all, then give up (the caller sees SQLITE_BUSY).
    static func waitForLock(attempt: Int32) -> Int32 {
        let quick: Int32 = 200                    // 200 × 50 µs = 10 ms
        if attempt < quick {
            usleep(50)
            return 1
        }
        guard attempt < quick + busyTimeoutMilliseconds else { return 0 }
        usleep(1000)
        return 1
    }

    /// WAL lets readers (plan, serve) run while apply writes. The mode is persistent, so
    /// only the process that creates the file switches it; when several processes create
    /// the store at once, SQLite reports the switch as busy without calling the busy
    /// handler, so this one statement is retried within the same time budget.
    private func enableWriteAheadLog() throws(StoreError) {
        var waited: Int32 = 0
        while true {
            let mode = try? singleText("PRAGMA journal_mode")
            if mode?.lowercased() == "wal" { return }
            let rc = sqlite3_exec(handle, "PRAGMA journal_mode = WAL", nil, nil, nil)
            if rc == SQLITE_OK { return }
            guard rc == SQLITE_BUSY || rc == SQLITE_LOCKED, waited < Self.busyTimeoutMilliseconds else {
                throw error(rc, "PRAGMA journal_mode = WAL")
            }
            usleep(20_000)
            waited += 20
        }
    }

    private func singleText(_ sql: String) throws(StoreError) -> String? {
        let s = try prepare(sql)
        return try s.step() ? s.text(0) : nil
    }

    func error(_ rc: Int32, _ sql: String? = nil) -> StoreError {
        var message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection"
        if let sql { message += " (while running `\(sql.prefix(60))`)" }
        return .sqlite(code: rc, message: message)
    }

    func execute(_ sql: String) throws(StoreError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql) }
    }

    func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc, sql) }
        return SQLiteStatement(statement, database: self)
    }

    /// Runs `body` in a transaction. `immediate` takes the write lock up front, so two
    /// writers queue on the busy timeout instead of failing halfway.
    ///
    /// Statements a body left mid-result are reset before the commit: a statement still
    /// holding a row keeps its read snapshot open after COMMIT, and the connection's next
    /// `BEGIN IMMEDIATE` then fails at once (SQLITE_BUSY, no busy wait) as soon as another
    /// connection has written in between.
    func transaction<T>(immediate: Bool = true, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        resetStatements()
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let value = try body()
            resetStatements()
            try execute("COMMIT")
            return value
        } catch {
            resetStatements()
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Ends every statement of this connection that is in the middle of a result.
    func resetStatements() {
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 { sqlite3_reset(current) }
            statement = sqlite3_next_stmt(handle, current)
        }
    }

    enum CheckpointMode {
        case passive, restart
        var code: Int32 { self == .passive ? SQLITE_CHECKPOINT_PASSIVE : SQLITE_CHECKPOINT_RESTART }
    }

    /// Copies WAL frames into the database file. Returns the frames in the log and how many
    /// of them are now in the database; SQLITE_BUSY (a reader or writer held on) is not an
    /// error, it only means fewer frames were copied.
    func checkpoint(_ mode: CheckpointMode) throws(StoreError) -> (logFrames: Int, checkpointed: Int) {
        var log: Int32 = 0, done: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, mode.code, &log, &done)
        guard rc == SQLITE_OK || rc == SQLITE_BUSY else { throw error(rc, "wal_checkpoint") }
        return (Int(log), Int(done))
    }

    var lastInsertedRow: Int { Int(sqlite3_last_insert_rowid(handle)) }
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The first column of the first row of a query that returns one number (a PRAGMA, a count).
    func integer(_ sql: String) throws(StoreError) -> Int {
        let s = try prepare(sql)
        return try s.step() ? s.int(0) : 0
    }

    var userVersion: Int {
        get throws(StoreError) {
            let s = try prepare("PRAGMA user_version")
            guard try s.step() else { return 0 }
            return s.int(0)
        }
    }
}

final class SQLiteStatement {
    private let statement: OpaquePointer
    private let database: SQLiteDatabase
    private let parameterCount: Int

    init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
        parameterCount = Int(sqlite3_bind_parameter_count(statement))
    }

    deinit { sqlite3_finalize(statement) }

    /// SQLite copies bound text and blobs when told the memory is transient.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    @discardableResult
    func bind(_ values: SQLiteValue...) throws(StoreError) -> SQLiteStatement {
        try bind(values)
    }

    @discardableResult
    func bind(_ values: [SQLiteValue]) throws(StoreError) -> SQLiteStatement {
        sqlite3_reset(statement)
        // Binding every parameter replaces the old values; only a shorter list leaves some behind.
        if values.count < parameterCount { sqlite3_clear_bindings(statement) }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int(let v): rc = sqlite3_bind_int64(statement, index, Int64(v))
            case .text(let s): rc = Self.bindText(s, statement, index)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            guard rc == SQLITE_OK else { throw database.error(rc) }
        }
        return self
    }

    /// Binds the string's own UTF-8 with its length: passing a `String` as `const char *`
    /// made a NUL-terminated copy for every value, and a NUL inside the text cut it short.
    private static func bindText(_ text: String, _ statement: OpaquePointer, _ index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            // An empty buffer may have no address, and a null pointer would bind NULL.
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(statement, index, "", 0, transient) }
            return sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
        }
    }

    /// Advances; true while there is a row.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(statement)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(rc)
        }
    }

    func run() throws(StoreError) {
        while try step() {}
    }

    /// Ends a query before its last row, releasing what it holds.
    func reset() { sqlite3_reset(statement) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }

    /// By length, so text with a NUL inside reads back whole.
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    func isBlob(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_BLOB }

    /// The column as stored, whatever its type.
    func value(_ column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .int(int(column))
        case SQLITE_BLOB: return .blob(blob(column))
        default: return .text(text(column))
        }
    }
}

enum SQLiteValue {
    case null
    case int(Int)
    case text(String)
    case blob([UInt8])
}
