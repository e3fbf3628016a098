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
