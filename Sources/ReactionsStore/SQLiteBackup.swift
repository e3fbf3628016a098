import Foundation
import ReactionsCore

/// Consistent copies of a live state file, and a check of such a copy.
///
/// `VACUUM INTO` reads one snapshot of the database (a read transaction: in WAL mode the
/// writer goes on committing meanwhile) and writes it to a new file, compacted. So a copy
/// holds exactly what was committed when it began, and every deploy acknowledged before
/// then (a 202 follows its commit).
public enum SQLiteBackup {
    public struct Summary: Sendable {
        public var bytes: Int
        public var milliseconds: Int
    }

    /// Writes a copy of the state at `source` to `destination`, which must not exist.
    public static func backup(from source: String, to destination: String) throws(StoreError) -> Summary {
        guard FileManager.default.fileExists(atPath: source) else { throw .cannotOpen(path: source, reason: "no such file") }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw .cannotOpen(path: destination, reason: "it already exists; back up to a new file name")
        }
        let started = DispatchTime.now()
        // Created empty first, so the copy is only ever readable by its owner.
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw .cannotOpen(path: destination, reason: "cannot create the file; check that its directory exists and is writable")
        }
        do {
            // A connection like any reader's: a read-only one cannot open a WAL file whose
            // shared-memory index is gone (no serve running).
            let db = try SQLiteDatabase(path: source)
            try db.prepare("VACUUM INTO ?").bind(.text(destination)).run()
            // VACUUM INTO does not sync what it wrote; a backup must survive a crash.
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: destination))
            try handle.synchronize()
            try handle.close()
        } catch let error as StoreError {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw .cannotOpen(path: destination, reason: error.localizedDescription)
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: destination))?[.size] as? Int) ?? 0
        return Summary(bytes: bytes, milliseconds: Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000))
    }

    /// What a copy holds, read without changing it.
    public struct Report: Sendable {
        public var integrity: [String]
        public var schema: Int
        public var supportedSchema: Int
        public var head: (number: Int, hash: String, createdAt: String, createdBy: String)?
        public var deploys: Int
        public var latestDeploy: String?
        public var events: Int
        public var deliveries: [DeliveryStatus: Int]
        public var attempts: Int
        public var suggestions: Int
        public var bytes: Int

        public var ok: Bool { integrity == ["ok"] && schema > 0 && schema <= supportedSchema }
    }

    public static func verify(_ path: String) throws(StoreError) -> Report {
        guard FileManager.default.fileExists(atPath: path) else { throw .cannotOpen(path: path, reason: "no such file") }
        let db = try SQLiteDatabase(path: path, readOnly: true)
        var integrity: [String] = []
        do {
            let check = try db.prepare("PRAGMA integrity_check")
            while try check.step(), integrity.count < 20 { integrity.append(check.text(0)) }
        } catch {
            // Not a database at all ("file is not a database") fails here.
            throw .corrupt("\(path) is not a reactions state: \(error.description)")
        }
        let schema = try db.userVersion
        var report = Report(integrity: integrity, schema: schema, supportedSchema: StoreSchema.migrations.count, head: nil, deploys: 0,
                            latestDeploy: nil, events: 0, deliveries: [:], attempts: 0, suggestions: 0,
                            bytes: try db.integer("PRAGMA page_count") * db.integer("PRAGMA page_size"))
        guard integrity == ["ok"], schema >= 4 else { return report }
        let head = try db.prepare("SELECT number, hash, created_at, created_by FROM revisions ORDER BY number DESC LIMIT 1")
        if try head.step() { report.head = (head.int(0), head.text(1), head.text(2), head.text(3)) }
        head.reset()
        report.deploys = try db.integer("SELECT count(*) FROM deploys")
        let latest = try db.prepare("SELECT received_at FROM deploys ORDER BY id DESC LIMIT 1")
        if try latest.step() { report.latestDeploy = latest.text(0) }
        latest.reset()
        report.events = try db.integer("SELECT count(*) FROM events")
        report.attempts = try db.integer("SELECT count(*) FROM attempts")
        report.suggestions = try db.integer("SELECT count(*) FROM suggestions")
        let statuses = try db.prepare("SELECT status, count(*) FROM deliveries GROUP BY status")
        while try statuses.step() {
            if let status = DeliveryStatus(rawValue: statuses.text(0)) { report.deliveries[status] = statuses.int(1) }
        }
        return report
    }
}
