import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// Issue 11: `/readyz` said ready while every write failed (disk full, read-only file), so
/// a load balancer kept sending deploys to a server that answered 500.
@Suite struct HostileReadinessTests {
    @Test func notReadyAfterAFailedCommitUntilOneSucceeds() async throws {
        let setup = try DeployTracking()
        let (cli, server, path) = (setup.cli, setup.server, setup.path)
        defer { _ = server.stop() }
        #expect(try await server.request("GET", "/readyz").status == 200)
        // Every write now fails, as on a full disk: a trigger refuses each new deploy.
        let db = try SQLiteDatabase(path: cli.state)
        try db.execute("CREATE TRIGGER full_disk BEFORE INSERT ON deploys BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        #expect(try await server.request("POST", path, body: deployBody()).status == 500)
        let notReady = try await server.request("GET", "/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.json?["reason"]?.stringValue?.contains("the last commit failed") == true, "\(notReady.body)")
        #expect(notReady.json?["reason"]?.stringValue?.contains("disk is full") == true, "\(notReady.body)")
        #expect(server.log.contains { $0.contains("not ready: commits are failing") })
        // The disk has room again: the next commit succeeds and the server is ready.
        try db.execute("DROP TRIGGER full_disk")
        #expect(try await server.request("POST", path, body: deployBody()).status == 202)
        #expect(try await server.request("GET", "/readyz").status == 200)
        #expect(server.log.contains { $0.contains("ready again") })
    }
}
