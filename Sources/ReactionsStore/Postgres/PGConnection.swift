import CLibPQ
import Foundation
import ReactionsCore

/// One connection to PostgreSQL through libpq: statements with parameters (sent apart from
/// the SQL, never spliced into it), results read as text, transactions. Like
/// `SQLiteDatabase`, not shared between threads: each user opens its own.
final class PGConnection {
    private var connection: OpaquePointer?
    /// What messages call the server: the URI without its password.
    let displayName: String

    /// `uri`: a libpq connection string (`postgresql://user@host:5432/db?sslmode=require` or
    /// `host=… dbname=…`); the usual `PG*` environment variables fill in what it leaves out.
    /// A connection attempt gives up after `connectTimeoutSeconds` (libpq's own default is to wait forever).
    init(uri: String, connectTimeoutSeconds: Int = 10) throws(StoreError) {
        displayName = PGConnection.redacted(uri)
        let keywords = ["dbname", "connect_timeout", "application_name"]
        let values = [uri, String(connectTimeoutSeconds), "reactions"]
        // expand_dbname = 1: `dbname` may itself be a URI or a keyword string, whose settings
        // win over the ones after it only where it sets them.
        connection = withCStrings(keywords) { k in withCStrings(values) { v in PQconnectdbParams(k, v, 1) } }

        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(connection)
            self.connection = nil
            throw .cannotOpen(path: displayName, reason: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// A URI or keyword string with any password replaced by `***`, for messages and logs.
    static func redacted(_ uri: String) -> String {
        if uri.hasPrefix("postgres://") || uri.hasPrefix("postgresql://"), var parts = URLComponents(string: uri) {
            if parts.password != nil { parts.password = "***" }
            if let items = parts.queryItems {
                parts.queryItems = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
            }
            return parts.string ?? "postgresql://***"
        }
        // Keyword form: `password=secret` or `password='se cret'`.
        var out: [String] = []
        var rest = Substring(uri)
        while let range = rest.range(of: "password") {
            out.append(String(rest[..<range.upperBound]))
            rest = rest[range.upperBound...]
            guard let equals = rest.firstIndex(where: { $0 != " " }), rest[equals] == "=" else { continue }
            var end = rest.index(after: equals)
            while end < rest.endIndex, rest[end] == " " { end = rest.index(after: end) }
            if end < rest.endIndex, rest[end] == "'" {
                end = rest[rest.index(after: end)...].firstIndex(of: "'").map { rest.index(after: $0) } ?? rest.endIndex
            } else {
                end = rest[end...].firstIndex(of: " ") ?? rest.endIndex
            }
            out.append("=***")
            rest = rest[end...]
        }
        return out.joined() + rest
    }

    // MARK: Statements

    /// Runs `sql` with `$1`… bound to `parameters`; returns the rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [PGValue] = []) throws(StoreError) -> PGResult {
        let texts = parameters.map(\.text)
        // libpq reads parameters as C strings: a NUL would silently cut the value short.
        if texts.contains(where: { $0?.utf8.contains(0) == true }) {
            throw .postgres(state: "22021", message: "text with a NUL character (\\u0000) cannot be stored in PostgreSQL")
        }
        let prepared = try preparedName(sql, parameters: parameters.count)
        let result = withOptionalCStrings(texts) { values in
            if let prepared { return PQexecPrepared(connection, prepared, Int32(parameters.count), values, nil, nil, 0) }
            return PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try PGResult(checking: result, connection: connection, sql: sql)
    }

    /// Statements this connection has prepared, by their SQL: parsed and planned once,
    /// not on every call (they were three quarters of PostgreSQL's CPU per deploy).
    private var prepared: [String: String] = [:]
    /// The store's statements are a few dozen fixed texts; SQL built from a query's filters
    /// has a few variants each. Past this many, statements run unprepared.
    private static let preparedLimit = 256

    private func preparedName(_ sql: String, parameters: Int) throws(StoreError) -> String? {
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.preparedLimit else { return nil }
        let name = "s\(prepared.count)"
        let result = PQprepare(connection, name, sql, Int32(parameters), nil)
        _ = try PGResult(checking: result, connection: connection, sql: sql)
        prepared[sql] = name
        return name
    }

    /// Waits up to `milliseconds` for notifications on the channels this connection LISTENs
    /// to; returns the channels that had one (empty when the time ran out).
    func waitForNotifications(milliseconds: Int) throws(StoreError) -> Set<String> {
        guard let connection else { return [] }
        var channels = drainNotifications()
        if !channels.isEmpty { return channels }
        var socket = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        guard poll(&socket, 1, Int32(max(0, milliseconds))) > 0 else { return [] }
        guard PQconsumeInput(connection) == 1 else {
            throw .postgres(state: "08006", message: String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        channels = drainNotifications()
        return channels
    }

    private func drainNotifications() -> Set<String> {
        var channels: Set<String> = []
        while let notification = PQnotifies(connection) {
            channels.insert(String(cString: notification.pointee.relname))
            PQfreemem(notification)
        }
        return channels
    }

    /// How far retention has pruned events (as `SQLiteDatabase.pruneHorizon`).
    func pruneHorizon() throws(StoreError) -> PruneHorizon {
        let rows = try query("SELECT value FROM store_counters WHERE name = 'pruned_before.events'")
        return PruneHorizon(before: Int64(rows.count > 0 ? rows.int(0, 0) : 0))
    }

    /// Several statements without parameters (migrations).
    func execute(_ sql: String) throws(StoreError) {
        _ = try PGResult(checking: PQexec(connection, sql), connection: connection, sql: sql)
    }

    /// Runs `body` in one transaction, run again from the start (up to five times) when
    /// PostgreSQL aborted it to break a deadlock or a serialization conflict with another
    /// replica's transaction: `body` must only touch the database and its own locals.
    func retryingTransaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        var tries = 0
        while true {
            do {
                return try transaction(body)
            } catch .postgres(let state, _) where Self.retryable.contains(state) && tries < 4 {
                tries += 1
            }
        }
    }

    /// deadlock_detected, serialization_failure.
    static let retryable: Set<String> = ["40P01", "40001"]

    /// Runs `body` in one transaction, rolled back if it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A parameter, sent as text (PostgreSQL parses it as the column's type).
enum PGValue {
    case null
    case text(String)
    case int(Int)
    /// `bytea`, sent in its hex form.
    case bytes([UInt8])

    var text: String? {
        switch self {
        case .null: return nil
        case .text(let s): return s
        case .int(let n): return String(n)
        case .bytes(let b): return "\\x" + b.hexString
        }
    }
}

/// The rows of one statement, read as text. Owns libpq's result until it is released.
final class PGResult {
    private let result: OpaquePointer

    init(checking result: OpaquePointer?, connection: OpaquePointer?, sql: String) throws(StoreError) {
        let status = PQresultStatus(result)
        guard let result, status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            // Read, then freed here: a throwing initializer of a class whose properties are
            // all set would run `deinit` too, and free it twice.
            let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
            let message = result.map { String(cString: PQresultErrorMessage($0)) } ?? connection.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
            PQclear(result)
            throw .postgres(state: state, message: message.trimmingCharacters(in: .whitespacesAndNewlines) + " (while running `\(sql.prefix(60))`)")
        }
        self.result = result
    }

    deinit { PQclear(result) }

    var count: Int { Int(PQntuples(result)) }
    /// Rows changed by an INSERT, UPDATE or DELETE.
    var changes: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }
    func text(_ row: Int, _ column: Int) -> String { String(cString: PQgetvalue(result, Int32(row), Int32(column))) }
    func int(_ row: Int, _ column: Int) -> Int { Int(text(row, column)) ?? 0 }
    func optionalText(_ row: Int, _ column: Int) -> String? { isNull(row, column) ? nil : text(row, column) }
}

// MARK: C strings

/// Calls `body` with a C array of the strings, valid for the call only.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    withOptionalCStrings(strings.map { Optional($0) }, body)
}

/// The same, with nil for SQL NULL; a nil follows the last (libpq's keyword arrays end so).
private func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for copy in copies { free(copy) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
