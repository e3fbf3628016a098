import Foundation
import ReactionsCore

/// The embedded state store (default `./.reactions/state.db`).
public final class SQLiteStateStore: StateStore {
    public static let defaultPath = ".reactions/state.db"

    private let db: SQLiteDatabase
    public let path: String

    public init(path: String) throws(StoreError) {
        self.path = path
        db = try SQLiteDatabase(path: path)
        try StoreSchema.migrate(db)
    }

    private static let infoColumns = "number, hash, created_at, created_by, source, added, changed, destroyed"

    private func info(_ s: SQLiteStatement) -> RevisionInfo {
        RevisionInfo(number: s.int(0), hash: s.text(1), createdAt: s.text(2), createdBy: s.text(3), source: s.text(4),
                     summary: Plan.Summary(add: s.int(5), change: s.int(6), destroy: s.int(7), replace: 0))
    }

    public func head() throws(StoreError) -> RevisionInfo? {
        let s = try db.prepare("SELECT \(Self.infoColumns) FROM revisions ORDER BY number DESC LIMIT 1")
        return try s.step() ? info(s) : nil
    }

    public func history(limit: Int?) throws(StoreError) -> [RevisionInfo] {
        let s = try db.prepare("SELECT \(Self.infoColumns) FROM revisions ORDER BY number DESC LIMIT ?")
        try s.bind(.int(limit ?? -1))
        var out: [RevisionInfo] = []
        while try s.step() { out.append(info(s)) }
        return out
    }

    public func revision(_ number: Int) throws(StoreError) -> Revision? {
        let s = try db.prepare("SELECT \(Self.infoColumns), document FROM revisions WHERE number = ?")
        try s.bind(.int(number))
        guard try s.step() else { return nil }
        let revisionInfo = info(s)
        let text = s.text(8)
        let document: StateDocument
        do {
            document = try StateDocument(json: JSONParser.value(text))
        } catch {
            throw .corrupt("revision \(number)'s document cannot be read: \(error)")
        }
        let scripts = try db.prepare("""
            SELECT s.sha256, s.content FROM revision_scripts r JOIN scripts s ON s.sha256 = r.sha256 WHERE r.revision = ?
            """)
        try scripts.bind(.int(number))
        var contents: [String: [UInt8]] = [:]
        while try scripts.step() { contents[scripts.text(0)] = scripts.blob(1) }
        for digest in document.scriptDigests where contents[digest] == nil {
            throw .corrupt("revision \(number) runs a script (SHA-256 \(digest)) whose snapshot is missing")
        }
        return Revision(info: revisionInfo, document: document, scripts: contents)
    }

    public func commit(_ commit: RevisionCommit, expectedBase: Int?) throws(StoreError) -> RevisionInfo {
        try db.transaction { () throws(StoreError) -> RevisionInfo in
            let current = try head()
            guard current?.number == expectedBase else { throw .stale(expected: expectedBase, actual: current?.number) }
            let number = (current?.number ?? 0) + 1
            let created = RevisionInfo(number: number, hash: commit.document.hash, createdAt: Timestamp.now(),
                                       createdBy: commit.createdBy, source: commit.source, summary: commit.summary)
            try db.prepare("INSERT INTO revisions (number, hash, created_at, created_by, source, added, changed, destroyed, document) VALUES (?,?,?,?,?,?,?,?,?)")
                .bind(.int(number), .text(created.hash), .text(created.createdAt), .text(created.createdBy), .text(created.source),
                      .int(created.summary.add), .int(created.summary.change), .int(created.summary.destroy),
                      .text(commit.document.json.compactText))
                .run()
            let insertScript = try db.prepare("INSERT OR IGNORE INTO scripts (sha256, content) VALUES (?, ?)")
            let link = try db.prepare("INSERT INTO revision_scripts (revision, sha256) VALUES (?, ?)")
            for digest in commit.document.scriptDigests.sorted() {
                guard let content = commit.scripts[digest], SHA256.hexDigest(content) == digest else {
                    throw .corrupt("the snapshot of script \(digest) is missing or does not match its hash")
                }
                try insertScript.bind(.text(digest), .blob(content)).run()
                try link.bind(.int(number), .text(digest)).run()
            }
            let event = RevisionEvents.configApplied(created)
            try EventLog(db).append(event, revision: number, reactions: commit.matcher?.firings(for: event).reactions ?? [])
            return created
        }
    }
}
