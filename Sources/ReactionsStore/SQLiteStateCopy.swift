import ReactionsCore

/// The SQLite file's end of `state copy` (see `StateCopy`).
final class SQLiteStateCopy: StateCopySide {
    private let db: SQLiteDatabase

    init(path: String) throws(StoreError) {
        db = try SQLiteDatabase(path: path)
        try StoreSchema.migrate(db)
    }

    func read(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        // A deferred transaction that only reads holds one snapshot of the WAL throughout.
        try db.transaction(immediate: false, body)
    }

    func rows(of table: StateCopy.Table, batchSize: Int, _ each: ([[StoreValue]]) throws(StoreError) -> Void) throws(StoreError) {
        let order = table.order == "insertion" ? "rowid" : table.order
        let s = try db.prepare("SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(order)")
        defer { s.reset() }
        var batch: [[StoreValue]] = []
        batch.reserveCapacity(batchSize)
        while try s.step() {
            var row: [StoreValue] = []
            row.reserveCapacity(table.columns.count)
            for (i, column) in table.columns.enumerated() {
                switch s.value(Int32(i)) {
                case .null: row.append(.null)
                case .int(let v): row.append(.int(v))
                case .text(let t): row.append(.text(t))
                case .blob(let b) where table.envelopes.contains(column):
                    guard let text = StoredEnvelope.text(of: .packed(b)) else { throw .corrupt("an event's envelope in \(table.name) cannot be read") }
                    row.append(.text(text))
                case .blob(let b): row.append(.bytes(b))
                }
            }
            batch.append(row)
            if batch.count == batchSize {
                try each(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try each(batch) }
    }

    func counters() throws(StoreError) -> [(name: String, value: Int)] {
        let s = try db.prepare("SELECT name, value FROM store_counters WHERE name LIKE 'pruned%' ORDER BY name")
        var out: [(name: String, value: Int)] = []
        while try s.step() { out.append((s.text(0), s.int(1))) }
        return out
    }

    func isEmpty() throws(StoreError) -> Bool {
        try db.integer("SELECT (SELECT count(*) FROM revisions) + (SELECT count(*) FROM deploys) + (SELECT count(*) FROM events)") == 0
    }

    /// Into an empty state (the caller checks), so the deploys copied are every deploy and
    /// their lists are still empty: they are linked once, after all of them.
    func write(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            try body()
            try db.execute(StoreSchema.linkDeploys)
        }
    }

    func insert(_ rows: [[StoreValue]], into table: StateCopy.Table) throws(StoreError) {
        let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        let insert = try db.prepare("INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))")
        for row in rows {
            try insert.bind(zip(table.columns, row).map { column, value -> SQLiteValue in
                switch value {
                case .null: return .null
                case .int(let v): return .int(v)
                case .bytes(let b): return .blob(b)
                // PostgreSQL sends every value as text: SQLite's column affinity turns
                // numbers back into integers; booleans and bytes need saying.
                case .text(let t) where table.booleans.contains(column): return .int(t == "t" || t == "true" || t == "1" ? 1 : 0)
                case .text(let t) where table.bytes.contains(column): return Hex.decode(String(t.dropFirst(2))).map(SQLiteValue.blob) ?? .text(t)
                case .text(let t) where table.envelopes.contains(column): return Self.packed(t)
                case .text(let t): return .text(t)
                }
            }).run()
        }
    }

    /// An envelope packed as this store keeps them; text that is not JSON stays as it came.
    private static func packed(_ text: String) -> SQLiteValue {
        guard let value = try? JSONParser.value(text) else { return .text(text) }
        return .blob(PackedJSON.pack(value))
    }

    func setCounters(_ counters: [(name: String, value: Int)]) throws(StoreError) {
        let update = try db.prepare("UPDATE store_counters SET value = ? WHERE name = ?")
        for (name, value) in counters { try update.bind(.int(value), .text(name)).run() }
    }
}
