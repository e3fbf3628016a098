import Foundation
import ReactionsStore

/// Opens the deploy store for commands that only read it.
enum DeployInput {
    /// nil when there is no state yet (nothing recorded); not created by reading.
    static func open(_ path: String) throws(CLIError) -> SQLiteDeployStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do { return try SQLiteDeployStore(path: path) } catch { throw CLIError(message: error.description) }
    }
}
