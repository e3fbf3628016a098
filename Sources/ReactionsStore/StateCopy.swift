import ReactionsCore

/// `reactions state copy`: a whole state (revisions and their scripts, deploys and their
/// numbers, suggestions, events, the outbox and its attempts, seen webhook ids, retention's
/// totals) from one store to another, SQLite to PostgreSQL or back, so a team that started
/// embedded moves without losing history.
///
/// The source is read in one snapshot, a table at a time in key order, a batch at a time
/// (a state of ten million deploys never sits in memory); the destination must be empty
/// and is written in one transaction, so a copy that fails leaves it empty.
public enum StateCopy {
    /// One table as both stores hold it: the same columns (PostgreSQL's extra `seq` of
    /// `deliveries` is left to be numbered in the order rows arrive, as SQLite's rowid is).
    public struct Table: Sendable {
        public let name: String
        public let columns: [String]
        /// The order rows are read in (and so inserted in).
        public let order: String
        /// Columns whose values are bytes, and those that are booleans (0/1 in SQLite).
        public var bytes: Set<String> = []
        public var booleans: Set<String> = []
        /// Columns holding an event's stored envelope: carried as text between stores,
        /// kept in each store's own form (`EnvelopeForm`).
        public var envelopes: Set<String> = []
    }

    public static let tables: [Table] = [
        Table(name: "revisions", columns: ["number", "hash", "created_at", "created_by", "source", "added", "changed", "destroyed", "document"],
              order: "number"),
        Table(name: "scripts", columns: ["sha256", "content"], order: "sha256", bytes: ["content"]),
        Table(name: "revision_scripts", columns: ["revision", "sha256"], order: "revision, sha256"),
        Table(name: "deploys", columns: ["id", "endpoint", "service", "service_name", "environment", "status", "deploy_number", "dedup_id",
                                         "deployed_at", "received_at", "updated_at", "revision", "payload", "event_id"], order: "id"),
        Table(name: "deploy_counters", columns: ["service", "last_number"], order: "service"),
        Table(name: "suggestions", columns: ["service", "endpoint", "first_seen", "last_seen", "deploys", "environments"], order: "service"),
        Table(name: "events", columns: ["seq", "id", "type", "time", "revision", "envelope"], order: "seq", envelopes: ["envelope"]),
        Table(name: "webhook_seen", columns: ["endpoint", "message_id", "event_id", "seen_at"], order: "endpoint, message_id"),
        // Newest first is insertion order: SQLite's rowid, PostgreSQL's seq (`StateCopySide.order`).
        Table(name: "deliveries", columns: ["id", "event_id", "event_type", "reaction", "revision", "status", "attempts", "round_attempts",
                                            "next_at", "created_at", "updated_at", "last_error", "waiting_for"], order: "insertion"),
        Table(name: "attempts", columns: ["delivery_id", "number", "started_at", "milliseconds", "succeeded", "http_status", "exit_status",
                                          "error", "response"], order: "delivery_id, number", booleans: ["succeeded"]),
    ]

    /// Rows read and written, by table.
    public struct Report: Sendable {
        public var rows: [(table: String, count: Int)] = []
    }

    public static func copy(from source: any StoreBackend, to destination: any StoreBackend, batchSize: Int = 1_000) throws(StoreError) -> Report {
        let reader = try source.copySide()
        let writer = try destination.copySide()
        guard try writer.isEmpty() else {
            throw .notEmpty(destination.displayName)
        }
        var report = Report()
        try reader.read { () throws(StoreError) in
            try writer.write { () throws(StoreError) in
                for table in tables {
                    var count = 0
                    try reader.rows(of: table, batchSize: batchSize) { (batch: [[StoreValue]]) throws(StoreError) in
                        try writer.insert(batch, into: table)
                        count += batch.count
                    }
                    report.rows.append((table.name, count))
                }
                try writer.setCounters(try reader.counters())
            }
        }
        return report
    }
}

/// A value as `state copy` carries it between stores.
public enum StoreValue: Sendable, Equatable {
    case null
    case int(Int)
    case text(String)
    case bytes([UInt8])
}

/// One store's end of a copy.
public protocol StateCopySide: AnyObject {
    /// Runs `body` inside one consistent read snapshot.
    func read(_ body: () throws(StoreError) -> Void) throws(StoreError)
    /// Hands the table's rows to `each`, a batch at a time, in the table's order.
    func rows(of table: StateCopy.Table, batchSize: Int, _ each: ([[StoreValue]]) throws(StoreError) -> Void) throws(StoreError)
    /// Retention's totals and horizons (`store_counters`).
    func counters() throws(StoreError) -> [(name: String, value: Int)]
    /// Whether no revision, deploy or event is stored yet.
    func isEmpty() throws(StoreError) -> Bool
    /// Runs `body` in one write transaction (rolled back if it throws).
    func write(_ body: () throws(StoreError) -> Void) throws(StoreError)
    func insert(_ rows: [[StoreValue]], into table: StateCopy.Table) throws(StoreError)
    func setCounters(_ counters: [(name: String, value: Int)]) throws(StoreError)
}
