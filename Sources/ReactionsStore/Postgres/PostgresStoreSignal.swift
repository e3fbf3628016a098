import Foundation

/// LISTENs for what other processes announce through the database: a revision committed
/// (every commit NOTIFYs), and deliveries queued (each replica NOTIFYs at most ten times a
/// second, see `PostgresDeployStore`). A replica then serves the revision, or claims the
/// deliveries another replica queued, within milliseconds rather than at its next poll. A
/// lost connection is opened again on a later wait; meanwhile the polling covers.
/// Used by one thread (the store watch), which is why it may be handed to it.
public final class PostgresStoreSignal: StoreSignal, @unchecked Sendable {
    static let revisions = "reactions_revisions"
    static let deliveries = "reactions_deliveries"
    private let uri: String
    private var connection: PGConnection?

    public init(uri: String) { self.uri = uri }

    public func wait(milliseconds: Int) -> StoreSignals {
        do throws(StoreError) {
            if connection == nil {
                let opened = try PGConnection(uri: uri, connectTimeoutSeconds: max(1, milliseconds / 1000))
                try opened.execute("LISTEN \(Self.revisions); LISTEN \(Self.deliveries)")
                connection = opened
            }
            var signals: StoreSignals = []
            for channel in try connection?.waitForNotifications(milliseconds: milliseconds) ?? [] {
                if channel == Self.revisions { signals.insert(.revision) }
                if channel == Self.deliveries { signals.insert(.deliveries) }
            }
            return signals
        } catch {
            connection = nil
            Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
            return []
        }
    }
}
