import Foundation
import ReactionsCore
import ReactionsStore

/// Opens the state store for commands, mapping store errors to CLI errors.
enum StateInput {
    /// The store a `--state` value names. The one place that tells stores apart: everything
    /// after it goes through the `ReactionsStore` protocols.
    static func backend(_ location: String) -> any StoreBackend {
        PostgresBackend.names(location) ? PostgresBackend(uri: location) : SQLiteBackend(path: location)
    }

    /// For commands that write: creates the store if needed.
    static func open(_ location: String) throws(CLIError) -> any StateStore {
        do { return try backend(location).stateStore() } catch { throw CLIError(message: error.description) }
    }

    /// For `plan` and `apply`: a missing store is an empty state, and is not created.
    static func openIfPresent(_ location: String) throws(CLIError) -> (any StateStore)? {
        guard backend(location).exists else { return nil }
        return try open(location)
    }

    /// The state a reading command (`deploys`, `deliveries`, `explain`, `state`, `endpoints`,
    /// `suggestions`) reads. The default is relative to the current directory, so the same
    /// command run from another directory once read an empty state and said "No deploys
    /// recorded yet". Now the state must exist (reading never creates one), and which file
    /// was read is said on stderr, leaving stdout to the data.
    static func existing(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> String {
        let path = Paths.state(args, terminal.environment)
        let store = backend(path)
        guard store.exists else { throw missing(path, args, terminal.environment) }
        terminal.error(terminal.style("state: \(store.displayName)", .dim))
        return path
    }

    static func missing(_ path: String, _ args: Arguments, _ env: [String: String]) -> CLIError {
        let absolute = Paths.absolute(path)
        if args.value("state") != nil {
            return CLIError(message: "there is no state at \(absolute): check --state (`reactions apply` or `reactions serve` creates it)")
        }
        if env["REACTIONS_STATE"] != nil {
            return CLIError(message: "there is no state at \(absolute) (REACTIONS_STATE): check it (`reactions apply` or `reactions serve` creates it)")
        }
        return CLIError(message: "there is no state at \(absolute): the default state is .reactions/state.db in the current directory, "
            + "so run this where you ran `reactions apply` or `reactions serve`, or pass --state FILE (or set REACTIONS_STATE)")
    }

    /// Where `plan` and `apply` read and write: recorded in saved plans, and said in
    /// messages. A server URL loses any credentials, query and trailing slash.
    static func location(_ args: Arguments, _ env: [String: String]) -> StateLocation {
        guard let server = args.value("server") else { return .file(Paths.absolute(Paths.state(args, env))) }
        guard var parts = URLComponents(string: server.trimmingCharacters(in: .whitespaces)) else { return .server(server) }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        parts.scheme = parts.scheme?.lowercased()
        parts.host = parts.host?.lowercased()
        var path = parts.path
        while path.hasSuffix("/") { path.removeLast() }
        parts.path = path
        return .server(parts.string ?? server)
    }

    static let serverOption = CommandSpec.Option(name: "server", value: "URL",
                                                 help: "Plan or apply against a running serve's admin API (token: $REACTIONS_TOKEN) instead of a local state file.")

    /// A running serve's state when `--server` is given.
    /// `scope`: which of the server's tokens the command needs, said when there is none.
    static func remote(_ args: Arguments, _ env: [String: String], command: String,
                       scope: String = "a plan-scoped one to plan, apply-scoped to apply") throws(CLIError) -> RemoteStateStore? {
        guard let server = args.value("server") else { return nil }
        if args.value("state") != nil { throw CLIError.usage("give either --server or --state, not both", command: command) }
        guard let token = env["REACTIONS_TOKEN"], !token.isEmpty else {
            throw CLIError.usage("--server needs a token in REACTIONS_TOKEN (\(scope))", command: command)
        }
        return RemoteStateStore(client: APIClient(baseURL: server, token: token))
    }

    /// The head revision with its document, or nil for an empty state.
    static func head(_ store: (any StateStore)?) throws(CLIError) -> Revision? {
        guard let store else { return nil }
        do {
            guard let info = try store.head() else { return nil }
            return try store.revision(info.number)
        } catch {
            throw CLIError(message: error.description)
        }
    }

    static func call<T>(_ body: () throws(StoreError) -> T) throws(CLIError) -> T {
        do { return try body() } catch { throw CLIError(message: error.description) }
    }
}
