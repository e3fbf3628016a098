/// The state store's schema, as an ordered list of migrations. The database records how
/// many it has run (`PRAGMA user_version`); opening runs the missing ones in one
/// transaction, and refuses a database from a newer release rather than guess.
enum StoreSchema {
    static let migrations: [String] = [
        // 1: revisions and content-addressed script snapshots.
        """
        CREATE TABLE revisions (
            number      INTEGER PRIMARY KEY,
            hash        TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            created_by  TEXT NOT NULL,
            source      TEXT NOT NULL,
            added       INTEGER NOT NULL,
            changed     INTEGER NOT NULL,
            destroyed   INTEGER NOT NULL,
            document    TEXT NOT NULL
        );
        CREATE TABLE scripts (
            sha256      TEXT PRIMARY KEY,
            content     BLOB NOT NULL
        );
        CREATE TABLE revision_scripts (
            revision    INTEGER NOT NULL REFERENCES revisions(number),
            sha256      TEXT NOT NULL REFERENCES scripts(sha256),
            PRIMARY KEY (revision, sha256)
        );
        """,
    ]

    static func migrate(_ db: SQLiteDatabase) throws(StoreError) {
        let current = try db.userVersion
        guard current <= migrations.count else { throw .newerSchema(found: current, supported: migrations.count) }
        guard current < migrations.count else { return }
        try db.transaction {
            () throws(StoreError) in
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let now = try db.userVersion
            for index in now..<migrations.count {
                try db.execute(migrations[index])
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
