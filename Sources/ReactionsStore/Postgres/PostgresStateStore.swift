import ReactionsCore

/// Numbered revisions in PostgreSQL (see `SQLiteStateStore`). A commit holds a transaction
/// advisory lock while it checks the head and writes the next revision, so of two applies
/// sent to two replicas, one wins and the other is refused as stale.
public final class PostgresStateStore: StateStore {
    private let db: PGConnection

    public init(uri: String) throws(StoreError) {
        db = try PGConnection(uri: uri)
        try PostgresSchema.migrate(db)
    }

    private static let infoColumns = "number, hash, created_at, created_by, source, added, changed, destroyed"

    private func info(_ rows: PGResult, _ row: Int) -> RevisionInfo {
        RevisionInfo(number: rows.int(row, 0), hash: rows.text(row, 1), createdAt: rows.text(row, 2), createdBy: rows.text(row, 3),
                     source: rows.text(row, 4),
                     summary: Plan.Summary(add: rows.int(row, 5), change: rows.int(row, 6), destroy: rows.int(row, 7), replace: 0))
    }

    public func head() throws(StoreError) -> RevisionInfo? {
        let rows = try db.query("SELECT \(Self.infoColumns) FROM revisions ORDER BY number DESC LIMIT 1")
        return rows.count > 0 ? info(rows, 0) : nil
    }

    public func history(limit: Int?) throws(StoreError) -> [RevisionInfo] {
        let rows = try db.query("SELECT \(Self.infoColumns) FROM revisions ORDER BY number DESC LIMIT $1", [limit.map(PGValue.int) ?? .null])
        return (0..<rows.count).map { info(rows, $0) }
    }

    public func revision(_ number: Int) throws(StoreError) -> Revision? {
        let rows = try db.query("SELECT \(Self.infoColumns), document FROM revisions WHERE number = $1", [.int(number)])
        guard rows.count > 0 else { return nil }
        let document: StateDocument
        do {
            document = try StateDocument(json: JSONParser.value(rows.text(0, 8)))
        } catch {
            throw .corrupt("revision \(number)'s document cannot be read: \(error)")
        }
        let scripts = try db.query("""
            SELECT s.sha256, encode(s.content, 'hex') FROM revision_scripts r JOIN scripts s ON s.sha256 = r.sha256 WHERE r.revision = $1
            """, [.int(number)])
        var contents: [String: [UInt8]] = [:]
        for row in 0..<scripts.count {
            guard let bytes = Hex.decode(scripts.text(row, 1)) else { throw .corrupt("script \(scripts.text(row, 0)) cannot be read") }
            contents[scripts.text(row, 0)] = bytes
        }
        for digest in document.scriptDigests where contents[digest] == nil {
            throw .corrupt("revision \(number) runs a script (SHA-256 \(digest)) whose snapshot is missing")
        }
        return Revision(info: info(rows, 0), document: document, scripts: contents)
    }

    /// The key of the advisory lock commits take (any constant, apart from the migration's).
    static let commitLockKey = 0x7265_7669_7369_6F6E  // "revision"

    public func commit(_ commit: RevisionCommit, expectedBase: Int?) throws(StoreError) -> RevisionInfo {
        try db.transaction { () throws(StoreError) -> RevisionInfo in
            try db.query("SELECT pg_advisory_xact_lock($1)", [.int(Self.commitLockKey)])
            let current = try head()
            guard current?.number == expectedBase else { throw .stale(expected: expectedBase, actual: current?.number) }
            let number = (current?.number ?? 0) + 1
            let created = RevisionInfo(number: number, hash: commit.document.hash, createdAt: Timestamp.now(),
                                       createdBy: commit.createdBy, source: commit.source, summary: commit.summary)
            try db.query("""
                INSERT INTO revisions (number, hash, created_at, created_by, source, added, changed, destroyed, document)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, [.int(number), .text(created.hash), .text(created.createdAt), .text(created.createdBy), .text(created.source),
                      .int(created.summary.add), .int(created.summary.change), .int(created.summary.destroy),
                      .text(commit.document.json.compactText)])
            for digest in commit.document.scriptDigests.sorted() {
                guard let content = commit.scripts[digest], SHA256.hexDigest(content) == digest else {
                    throw .corrupt("the snapshot of script \(digest) is missing or does not match its hash")
                }
                try db.query("INSERT INTO scripts (sha256, content) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
                             [.text(digest), .bytes(content)])
                try db.query("INSERT INTO revision_scripts (revision, sha256) VALUES ($1, $2)", [.int(number), .text(digest)])
            }
            // Delivered when this commits: replicas load the revision at once (see
            // `PostgresStoreSignal`). Applies are rare, so NOTIFY's commit-time lock costs nothing.
            try db.query("SELECT pg_notify($1, $2)", [.text(PostgresStoreSignal.revisions), .text(String(number))])
            let event = RevisionEvents.configApplied(created)
            try PostgresEventLog(db: db).append(id: event.id, type: event.type, time: event.time, revision: number,
                                                envelopeText: StoredEnvelope.text(of: event),
                                                reactions: commit.matcher?.firings(for: event).reactions ?? [])
            return created
        }
    }
}
