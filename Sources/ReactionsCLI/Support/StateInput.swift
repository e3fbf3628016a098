import Foundation
import ReactionsCore
import ReactionsStore

/// Opens the state store for commands, mapping store errors to CLI errors.
enum StateInput {
    /// For commands that write: creates the store if needed.
    static func open(_ path: String) throws(CLIError) -> SQLiteStateStore {
        do { return try SQLiteStateStore(path: path) } catch { throw CLIError(message: error.description) }
    }

    /// For commands that only read: a missing store is an empty state, and is not created.
    static func openIfPresent(_ path: String) throws(CLIError) -> SQLiteStateStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try open(path)
    }

    static let serverOption = CommandSpec.Option(name: "server", value: "URL",
                                                 help: "Plan or apply against a running serve's admin API (token: $REACTIONS_TOKEN) instead of a local state file.")

    /// A running serve's state when `--server` is given.
    static func remote(_ args: Arguments, _ env: [String: String], command: String) throws(CLIError) -> RemoteStateStore? {
        guard let server = args.value("server") else { return nil }
        if args.value("state") != nil { throw CLIError.usage("give either --server or --state, not both", command: command) }
        guard let token = env["REACTIONS_TOKEN"], !token.isEmpty else {
            throw CLIError.usage("--server needs a token in REACTIONS_TOKEN (a plan-scoped one to plan, apply-scoped to apply)", command: command)
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
