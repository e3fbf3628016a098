import Foundation
import ReactionsStore

/// Opens the deploy store and the outbox for commands that read what `serve` recorded.
enum DeployInput {
    /// nil when there is no state yet (nothing recorded); not created by reading.
    static func open(_ path: String) throws(CLIError) -> SQLiteDeployStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do { return try SQLiteDeployStore(path: path) } catch { throw CLIError(message: error.description) }
    }

    /// The outbox, for `deliveries` and `explain`; nil when there is no state yet.
    static func openDeliveries(_ path: String) throws(CLIError) -> SQLiteDeliveryStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do { return try SQLiteDeliveryStore(path: path) } catch { throw CLIError(message: error.description) }
    }
}
