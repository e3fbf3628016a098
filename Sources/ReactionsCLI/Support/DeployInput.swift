import ReactionsStore

/// Opens the deploy store and the outbox for commands that read what `serve` recorded.
enum DeployInput {
    /// nil when there is no state yet (nothing recorded); not created by reading.
    static func open(_ location: String) throws(CLIError) -> (any DeployStore)? {
        let backend = StateInput.backend(location)
        guard backend.exists else { return nil }
        do { return try backend.deployStore(writer: false) } catch { throw CLIError(message: error.description) }
    }

    /// The outbox, for `deliveries` and `explain`; nil when there is no state yet.
    static func openDeliveries(_ location: String) throws(CLIError) -> (any DeliveryStore)? {
        let backend = StateInput.backend(location)
        guard backend.exists else { return nil }
        do { return try backend.deliveryStore(dispatcher: false) } catch { throw CLIError(message: error.description) }
    }
}
