import Foundation
import Synchronization
import Testing
import ReactionsCore

/// Issue 16: backups of a live state, and checking them.
@Suite struct BackupCLITests {
    struct Ack: Sendable {
        var dedup: String
        var at: Date
    }

    final class Load: Sendable {
        let acknowledged = Mutex<[Ack]>([])
        let stop = Atomic<Bool>(false)
    }

    /// Every deploy acknowledged before the backup began is in the copy, while serve goes on
    /// taking deploys from four clients, and the copy opens with serve.
    @Test func aBackupUnderLoadHoldsEveryAcknowledgedDeployAndServes() async throws {
        let setup = try DeployTracking()
        let (cli, server, path) = (setup.cli, setup.server, setup.path)
        defer { _ = server.stop() }
        let load = Load()
        let restored = try CLI()
        let began = try await withThrowingTaskGroup(of: Date?.self) { group in
            for client in 0..<4 {
                group.addTask {
                    var n = 0
                    while !load.stop.load(ordering: .relaxed) {
                        let dedup = "c\(client)-\(n)"
                        n += 1
                        if try await server.request("POST", path, body: deployBody(dedup: dedup)).status == 202 {
                            let now = Date()
                            load.acknowledged.withLock { $0.append(Ack(dedup: dedup, at: now)) }
                        }
                    }
                    return nil
                }
            }
            group.addTask {
                // However slow the machine: a good number acknowledged first, and more after.
                _ = try await eventually(seconds: 60) { load.acknowledged.withLock { $0.count } >= 50 }
                let began = Date()
                let backup = try cli.run(["state", "backup", restored.state, "--state", cli.state])
                #expect(backup.code == 0 && backup.stdout.contains("Backed up the state to"), "\(backup)")
                let then = load.acknowledged.withLock { $0.count }
                _ = try await eventually(seconds: 60) { load.acknowledged.withLock { $0.count } >= then + 20 }
                load.stop.store(true, ordering: .relaxed)
                return began
            }
            var began: Date? = nil
            for try await value in group { if let value { began = value } }
            return try #require(began)
        }
        let before = load.acknowledged.withLock { $0.filter { $0.at < began }.map(\.dedup) }
        let after = load.acknowledged.withLock { $0.filter { $0.at >= began }.count }
        #expect(before.count >= 50 && after > 0, "load before and after the backup began: \(before.count), \(after)")

        let verified = try restored.run(["state", "verify", restored.state])
        #expect(verified.code == 0 && verified.stdout.contains("a reactions state, intact") && verified.stdout.contains("revision 1"), "\(verified)")
        // The copy serves: its own serve lists every deploy acknowledged before the backup.
        let copy = try ServeProcess(restored, arguments: ["--no-request-log"])
        defer { _ = copy.stop() }
        #expect(try await copy.request("GET", "/readyz").status == 200)
        let listed = try JSONParser.value(try restored.run(["deploys", "--state", restored.state, "--format", "json", "--limit", "100000"]).stdout)
        let dedups = Set((listed.arrayValue ?? []).compactMap { $0["dedup_id"]?.stringValue })
        let missing = before.filter { !dedups.contains($0) }
        #expect(missing.isEmpty, "acknowledged before the backup began, missing from it: \(missing.prefix(5))")
        #expect(try await copy.request("POST", path, body: deployBody(dedup: "on-the-copy")).status == 202)
    }

    @Test func verifySaysWhatIsWrongWithACopy() throws {
        let cli = try CLI()
        try cli.writeConfig(#""services": [{"name": "a"}]"#)
        _ = try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"])
        let copy = cli.directory.appendingPathComponent("copy.db").path
        #expect(try cli.run(["state", "backup", copy, "--state", cli.state]).code == 0)
        let again = try cli.run(["state", "backup", copy, "--state", cli.state])
        #expect(again.code == 1 && again.stderr.contains("it already exists; back up to a new file name"), "\(again)")
        let json = try JSONParser.value(try cli.run(["state", "verify", copy, "--format", "json"]).stdout)
        #expect(json["ok"] == .bool(true) && json["revision"]?["number"] == .int(1) && json["deploys"] == .int(0), "\(json)")
        // Owner-only, like the state itself.
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)

        let text = cli.directory.appendingPathComponent("notes.txt").path
        try "not a database, just some notes that are long enough to fill a header".write(toFile: text, atomically: true, encoding: .utf8)
        let notDatabase = try cli.run(["state", "verify", text])
        #expect(notDatabase.code == 1 && notDatabase.stderr.contains("is not a reactions state"), "\(notDatabase)")
        // Damage a page in the middle of the copy.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        let page = 4096
        #expect(bytes.count >= 4 * page)
        for i in (2 * page + 8)..<(2 * page + 200) { bytes[i] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: copy))
        let damaged = try cli.run(["state", "verify", copy])
        #expect(damaged.code == 1 && damaged.stderr.contains("is damaged"), "\(damaged)")
        let missing = try cli.run(["state", "verify", cli.directory.appendingPathComponent("nope.db").path])
        #expect(missing.code == 1 && missing.stderr.contains("no such file"), "\(missing)")
    }
}
