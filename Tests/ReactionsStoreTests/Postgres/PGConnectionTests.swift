import Foundation
import Testing
import TestSupport
@testable import ReactionsStore

/// libpq through `PGConnection`, against a real server the tests start (see `PostgresServer`).
@Suite(.enabled(if: PostgresServer.enabled, "PostgreSQL is not installed"))
struct PGConnectionTests {
    @Test func parametersAreSentApartFromTheSQLAndRowsComeBackAsText() throws {
        let db = try PGConnection(uri: try PostgresServer.server().database())
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY, name text, body bytea)")
        // A value that would break SQL spliced into the statement is just a value.
        let hostile = "x'); DROP TABLE t; --"
        let inserted = try db.query("INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)",
                                    [.int(1), .text(hostile), .bytes([0, 1, 0xFF]), .int(2), .null, .bytes([])])
        #expect(inserted.changes == 2)
        let rows = try db.query("SELECT id, name, encode(body, 'hex') FROM t ORDER BY id")
        #expect(rows.count == 2)
        #expect(rows.int(0, 0) == 1 && rows.text(0, 1) == hostile && rows.text(0, 2) == "0001ff")
        #expect(rows.isNull(1, 1) && rows.optionalText(1, 1) == nil && rows.text(1, 2) == "")
    }

    @Test func errorsCarryTheirSQLStateAndATransactionThatThrowsLeavesNothing() throws {
        let db = try PGConnection(uri: try PostgresServer.server().database())
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY)")
        try db.query("INSERT INTO t VALUES ($1)", [.int(1)])
        #expect(throws: StoreError.self) { try db.query("INSERT INTO t VALUES ($1)", [.int(1)]) }
        do {
            try db.query("INSERT INTO t VALUES ($1)", [.int(1)])
        } catch {
            guard case .postgres(let state, let message) = error else { Issue.record("\(error)"); return }
            #expect(state == "23505" && message.contains("duplicate key"), "\(message)")
        }
        #expect(throws: StoreError.self) {
            try db.transaction { () throws(StoreError) in
                try db.query("INSERT INTO t VALUES ($1)", [.int(2)])
                try db.query("INSERT INTO t VALUES ($1)", [.int(1)])
            }
        }
        #expect(try db.query("SELECT count(*) FROM t").int(0, 0) == 1, "the transaction's first insert was rolled back")
        // The connection is usable after a failed transaction.
        #expect(try db.query("SELECT 41 + $1::int", [.int(1)]).int(0, 0) == 42)
    }

    @Test func aServerThatIsNotThereFailsWithinTheTimeoutAndTheMessageHasNoPassword() throws {
        let server = try PostgresServer.server()
        let started = Date()
        // A port nothing listens on (the server's own plus one was free when it started;
        // any refusal will do) and a password that must not appear.
        #expect(throws: StoreError.self) {
            try PGConnection(uri: "postgresql://reactions:hunter2@127.0.0.1:1/x", connectTimeoutSeconds: 2)
        }
        do {
            _ = try PGConnection(uri: "postgresql://reactions:hunter2@127.0.0.1:1/x", connectTimeoutSeconds: 2)
        } catch {
            #expect(!error.description.contains("hunter2") && error.description.contains("postgresql://reactions:***@127.0.0.1:1/x"),
                    "\(error.description)")
        }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(throws: StoreError.self) { try PGConnection(uri: server.uri("no_such_database")) }
    }

    @Test func passwordsAreRedactedInEveryFormLibpqTakes() {
        #expect(PGConnection.redacted("postgresql://u:secret@h:5432/db?sslmode=require") == "postgresql://u:***@h:5432/db?sslmode=require")
        #expect(PGConnection.redacted("postgres://h/db?password=secret&sslmode=verify-full") == "postgres://h/db?password=***&sslmode=verify-full")
        #expect(PGConnection.redacted("postgresql://u@h/db") == "postgresql://u@h/db")
        #expect(PGConnection.redacted("host=h password=secret dbname=db") == "host=h password=*** dbname=db")
        #expect(PGConnection.redacted("host=h password = 'se cret' dbname=db") == "host=h password=*** dbname=db")
        #expect(PGConnection.redacted("host=h dbname=db") == "host=h dbname=db")
    }
}
