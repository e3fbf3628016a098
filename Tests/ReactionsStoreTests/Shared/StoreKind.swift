import Foundation
import Testing
import ReactionsCore
import TestSupport
@testable import ReactionsStore

/// The stores every contract test runs against: the SQLite file always, PostgreSQL when the
/// tests could start a server (always in CI). One suite for both, so they cannot drift.
enum StoreKind: String, CustomStringConvertible, Sendable {
    case sqlite, postgresql

    var description: String { rawValue }

    static var available: [StoreKind] { PostgresServer.enabled ? [.sqlite, .postgresql] : [.sqlite] }

    /// A new, empty state of this kind.
    func fresh() throws -> FreshState {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-contract-\(UUID().uuidString)/state.db").path
            return FreshState(kind: self, location: path)
        case .postgresql:
            return FreshState(kind: self, location: try PostgresServer.server().database())
        }
    }
}

/// One state under test, with a way around the protocols for what a test must arrange
/// directly (a damaged row, a schema from a newer release).
struct FreshState: Sendable {
    let kind: StoreKind
    /// The file's path, or the database's URI.
    let location: String

    /// A new connection, as another process would open one.
    func stateStore() throws -> any StateStore {
        switch kind {
        case .sqlite: return try SQLiteStateStore(path: location)
        case .postgresql: return try PostgresStateStore(uri: location)
        }
    }

    /// A new connection to the deploy store.
    func deployStore() throws -> any DeployStore {
        switch kind {
        case .sqlite: return try SQLiteDeployStore(path: location)
        case .postgresql: return try PostgresDeployStore(uri: location)
        }
    }

    /// A new connection to the outbox; `lease`: how long PostgreSQL's claims last.
    func deliveryStore(lease: Int64 = 30_000) throws -> any DeliveryStore {
        switch kind {
        case .sqlite: return try SQLiteDeliveryStore(path: location)
        case .postgresql: return try PostgresDeliveryStore(uri: location, leaseMilliseconds: lease)
        }
    }

    func pruner() throws -> any StorePruner {
        switch kind {
        case .sqlite: return try SQLitePruner(path: location)
        case .postgresql: return try PostgresPruner(uri: location)
        }
    }

    /// The number one query written for both returns.
    func integer(_ sql: String) throws -> Int {
        switch kind {
        case .sqlite: return try SQLiteDatabase(path: location).integer(sql)
        case .postgresql: return try PGConnection(uri: location).query(sql).int(0, 0)
        }
    }

    /// Runs SQL written for both (it must mean the same in SQLite and PostgreSQL).
    func execute(_ sql: String) throws {
        switch kind {
        case .sqlite: try SQLiteDatabase(path: location).execute(sql)
        case .postgresql: try PGConnection(uri: location).execute(sql)
        }
    }

    /// Stored envelopes of one event type, newest first.
    func events(type: String) throws -> [JSON] {
        switch kind {
        case .sqlite: return try SQLiteDeployStore(path: location).events(type: type, limit: 100)
        case .postgresql:
            let rows = try PGConnection(uri: location).query("SELECT envelope, id, type, time FROM events WHERE type = $1 ORDER BY seq DESC", [.text(type)])
            return try (0..<rows.count).map {
                try #require(StoredEnvelope.envelope(stored: rows.text($0, 0), id: rows.text($0, 1), type: rows.text($0, 2), time: rows.text($0, 3)))
            }
        }
    }

    /// Marks the schema as written by a release newer than this one.
    func pretendNewerSchema(_ version: Int) throws {
        switch kind {
        case .sqlite: try execute("PRAGMA user_version = \(version)")
        case .postgresql: try execute("INSERT INTO reactions_schema (version) VALUES (\(version))")
        }
    }

    var supportedSchema: Int {
        kind == .sqlite ? StoreSchema.migrations.count : PostgresSchema.migrations.count
    }
}
