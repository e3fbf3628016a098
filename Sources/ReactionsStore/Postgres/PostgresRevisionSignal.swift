import Foundation

/// LISTENs for the NOTIFY every revision commit sends, so a replica serves a revision
/// another one (or the CLI) applied within milliseconds rather than at its next poll. A
/// lost connection is opened again on a later wait; meanwhile the watch's polling covers.
/// Used by one thread (the revision watch), which is why it may be handed to it.
public final class PostgresRevisionSignal: RevisionSignal, @unchecked Sendable {
    static let channel = "reactions_revisions"
    private let uri: String
    private var connection: PGConnection?

    public init(uri: String) { self.uri = uri }

    public func wait(milliseconds: Int) -> Bool {
        do throws(StoreError) {
            if connection == nil {
                let opened = try PGConnection(uri: uri, connectTimeoutSeconds: max(1, milliseconds / 1000))
                try opened.execute("LISTEN \(Self.channel)")
                connection = opened
            }
            return try connection?.waitForNotification(milliseconds: milliseconds) ?? false
        } catch {
            connection = nil
            Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
            return false
        }
    }
}
