import Foundation
import Synchronization

/// A real PostgreSQL server for the tests, started by them: `initdb` into a temporary
/// directory, `pg_ctl start` on a free port of 127.0.0.1, stopped when the test process
/// exits. Each test takes a database of its own (`database()`), so tests run in parallel
/// against one server.
///
/// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
/// Debian's package creates. When PostgreSQL is not installed, `shared` is nil and the
/// suites that need it say so loudly and skip; with `REACTIONS_REQUIRE_POSTGRES=1` (CI sets
/// it) that is a failure instead.
public final class PostgresServer: Sendable {
    public let port: Int
    public let directory: String
    private let binaries: String
    private let runAs: [String]

    /// The server every test of this process shares; nil when PostgreSQL is not installed.
    public static var shared: PostgresServer? { started.withLock { state in
        if let result = state { return result.server }
        let server: PostgresServer?
        var problem: String? = nil
        do { server = try PostgresServer() } catch { server = nil; problem = "\(error)" }
        state = (server, problem)
        return server
    } }

    /// Why `shared` is nil.
    public static var unavailable: String? {
        _ = shared
        return started.withLock { $0?.problem }
    }

    /// Whether the PostgreSQL suites run: when the server started, and always under
    /// `REACTIONS_REQUIRE_POSTGRES=1` (where a missing server then fails them). Says so on
    /// stderr when they are skipped.
    public static var enabled: Bool {
        if shared != nil || required { return true }
        let warning = "\n*** SKIPPED: the PostgreSQL suites (\(unavailable ?? "no server")) ***\n"
        FileHandle.standardError.write(Data(warning.utf8))
        return false
    }

    /// The shared server, or the reason there is none as an error.
    public static func server() throws -> PostgresServer {
        guard let shared else { throw Failure.failed("starting PostgreSQL", unavailable ?? "unknown") }
        return shared
    }

    private static let started = Mutex<(server: PostgresServer?, problem: String?)?>(nil)

    public static var required: Bool { ProcessInfo.processInfo.environment["REACTIONS_REQUIRE_POSTGRES"] == "1" }

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case failed(String, String)

        public var description: String {
            switch self {
            case .notInstalled: return "PostgreSQL is not installed (apt-get install postgresql)"
            case .failed(let step, let output): return "\(step) failed: \(output)"
            }
        }
    }

    private init() throws {
        guard let bin = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?
            .sorted().last.map({ "/usr/lib/postgresql/\($0)/bin" }),
              FileManager.default.isExecutableFile(atPath: bin + "/initdb") else { throw Failure.notInstalled }
        binaries = bin
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            runAs = ["/usr/sbin/runuser", "-u", "postgres", "--"]
            _ = try runProgram("/bin/chown", ["postgres:postgres", directory])
        } else {
            runAs = []
        }
        port = try Self.freePort()
        try run("initdb", ["-D", directory + "/data", "-U", "reactions", "--auth=trust", "-E", "UTF8", "--no-sync"])
        // fsync off: the tests kill serve replicas, never the database server.
        let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300"
        try run("pg_ctl", ["-D", directory + "/data", "-o", options, "-l", directory + "/server.log", "-w", "-t", "60", "start"])
        let stop = runAs + [binaries + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "stop"]
        let out = directory + "/stop.out", directory = self.directory
        Self.stopAtExit.withLock {
            $0 = {
                _ = try? runLeavingDaemon(stop[0], Array(stop.dropFirst()), outputFile: out)
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        atexit { PostgresServer.stopAtExit.withLock { $0?() } }
    }

    /// Stops the server when the test process ends (a process has at most one).
    private static let stopAtExit = Mutex<(@Sendable () -> Void)?>(nil)

    private func run(_ tool: String, _ arguments: [String]) throws {
        let command = runAs + [binaries + "/" + tool] + arguments
        let (status, output) = try runLeavingDaemon(command[0], Array(command.dropFirst()), outputFile: directory + "/\(tool).out")
        guard status == 0 else { throw Failure.failed(tool, output) }
    }

    /// A new, empty database; returns its connection URI.
    public func database() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let (status, output) = try runProgram("/usr/bin/psql", [uri("postgres"), "-q", "-c", "CREATE DATABASE \(name)"])
        guard status == 0 else { throw Failure.failed("CREATE DATABASE", output) }
        return uri(name)
    }

    public func uri(_ database: String) -> String { "postgresql://reactions@127.0.0.1:\(port)/\(database)" }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure.failed("picking a port", String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
