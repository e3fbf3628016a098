import ReactionsCore

/// PostgreSQL's end of `state copy` (see `StateCopy`): read through a cursor in one
/// repeatable-read snapshot, written with one multi-row INSERT per batch.
final class PostgresStateCopy: StateCopySide {
    private let db: PGConnection

    init(uri: String) throws(StoreError) {
        db = try PGConnection(uri: uri)
        try PostgresSchema.migrate(db)
    }

    func read(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            try body()
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    func rows(of table: StateCopy.Table, batchSize: Int, _ each: ([[StoreValue]]) throws(StoreError) -> Void) throws(StoreError) {
        let order = table.order == "insertion" ? "seq" : table.order
        let columns = table.columns.map { table.bytes.contains($0) ? "encode(\($0), 'hex')" : $0 }
        try db.execute("DECLARE copy_rows NO SCROLL CURSOR FOR SELECT \(columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(order)")
        defer { _ = try? db.execute("CLOSE copy_rows") }
        while true {
            let rows = try db.query("FETCH \(batchSize) FROM copy_rows")
            guard rows.count > 0 else { break }
            try each((0..<rows.count).map { r in
                table.columns.indices.map { c in
                    if rows.isNull(r, c) { return .null }
                    if table.bytes.contains(table.columns[c]) { return .bytes(Hex.decode(rows.text(r, c)) ?? []) }
                    return .text(rows.text(r, c))
                }
            })
        }
    }

    func counters() throws(StoreError) -> [(name: String, value: Int)] {
        let rows = try db.query("SELECT name, value FROM store_counters WHERE name LIKE 'pruned%' ORDER BY name")
        return (0..<rows.count).map { (rows.text($0, 0), rows.int($0, 1)) }
    }

    func isEmpty() throws(StoreError) -> Bool {
        try db.query("SELECT NOT EXISTS (SELECT 1 FROM revisions) AND NOT EXISTS (SELECT 1 FROM deploys) AND NOT EXISTS (SELECT 1 FROM events)")
            .text(0, 0) == "t"
    }

    func write(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            try body()
            // Ids copied as they were: the sequences continue after them.
            for (table, column) in [("deploys", "id"), ("events", "seq"), ("deliveries", "seq")] {
                try db.query("SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce(max(\(column)), 0) + 1, false) FROM \(table)")
            }
        }
    }

    func insert(_ rows: [[StoreValue]], into table: StateCopy.Table) throws(StoreError) {
        guard !rows.isEmpty else { return }
        let width = table.columns.count
        var values: [PGValue] = []
        values.reserveCapacity(rows.count * width)
        var tuples: [String] = []
        for row in rows {
            tuples.append("(" + (1...width).map { "$\(values.count + $0)" }.joined(separator: ", ") + ")")
            for (column, value) in zip(table.columns, row) {
                switch value {
                case .null: values.append(.null)
                case .int(let v) where table.booleans.contains(column): values.append(.text(v != 0 ? "true" : "false"))
                case .int(let v): values.append(.int(v))
                case .text(let t): values.append(.text(t))
                case .bytes(let b): values.append(.bytes(b))
                }
            }
        }
        try db.query("INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))", values)
    }

    func setCounters(_ counters: [(name: String, value: Int)]) throws(StoreError) {
        for (name, value) in counters {
            try db.query("UPDATE store_counters SET value = $1 WHERE name = $2", [.int(value), .text(name)])
        }
    }
}
