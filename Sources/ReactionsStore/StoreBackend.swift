import Foundation
import ReactionsCore

/// Where a state lives, and how each part of `serve` and the CLI opens its connection to
/// it. `SQLiteBackend` is a file; a server-backed store is a second conformance, and the
/// runtime never asks which one it has.
public protocol StoreBackend: Sendable {
    /// How messages and logs name it (a path; never a password).
    var displayName: String { get }
    /// Whether a state was ever created here (reading commands refuse to create one).
    var exists: Bool { get }
    func stateStore() throws(StoreError) -> any StateStore
    /// `writer`: the connection `serve`'s single writer commits batches on.
    func deployStore(writer: Bool) throws(StoreError) -> any DeployStore
    /// `dispatcher`: the connection the dispatcher records attempts on.
    func deliveryStore(dispatcher: Bool) throws(StoreError) -> any DeliveryStore
    func pruner() throws(StoreError) -> any StorePruner
    /// Work the store needs while `serve` runs (SQLite: checkpoints of its log); the
    /// returned function stops it.
    func startUpkeep() throws(StoreError) -> @Sendable () -> Void
    /// Held by the one `serve` that may dispatch deliveries, when the store cannot let
    /// several claim them safely; nil when it can.
    func dispatchLockPath() -> String?
    /// Where script snapshots are written for the runner to execute.
    var scriptDirectory: String { get }
    /// The key scripts' API tokens are signed with, when replicas must share one; nil: each
    /// process draws its own and keeps it in memory.
    func scriptTokenKey() throws(StoreError) -> [UInt8]?
    /// Tells `serve` at once when another process applies a revision or queues deliveries;
    /// nil: it polls.
    func signal() -> (any StoreSignal)?
    /// This store's end of `state copy`.
    func copySide() throws(StoreError) -> any StateCopySide
}

extension StoreBackend {
    public func scriptTokenKey() throws(StoreError) -> [UInt8]? { nil }
    public func signal() -> (any StoreSignal)? { nil }
}

/// Wake-ups for `serve` from other processes sharing the store; it polls between them anyway.
public protocol StoreSignal: AnyObject, Sendable {
    /// Waits up to `milliseconds`; returns what was announced meanwhile (empty: nothing).
    func wait(milliseconds: Int) -> StoreSignals
}

public struct StoreSignals: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// A revision was committed.
    public static let revision = StoreSignals(rawValue: 1)
    /// Deliveries were queued.
    public static let deliveries = StoreSignals(rawValue: 2)
}

/// The state in one SQLite file (the default).
public struct SQLiteBackend: StoreBackend {
    public let path: String

    public init(path: String) { self.path = path }

    public var displayName: String { URL(fileURLWithPath: path).standardizedFileURL.path }
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    public func stateStore() throws(StoreError) -> any StateStore { try SQLiteStateStore(path: path) }

    public func deployStore(writer: Bool) throws(StoreError) -> any DeployStore {
        let store = try SQLiteDeployStore(path: path)
        // The checkpointer (`startUpkeep`) copies the log; the writer's commits never stop to.
        if writer { try store.disableAutomaticCheckpoints() }
        return store
    }

    public func deliveryStore(dispatcher: Bool) throws(StoreError) -> any DeliveryStore {
        let store = try SQLiteDeliveryStore(path: path)
        if dispatcher { try store.relaxAttemptDurability() }
        return store
    }

    public func pruner() throws(StoreError) -> any StorePruner { try SQLitePruner(path: path) }

    public func startUpkeep() throws(StoreError) -> @Sendable () -> Void {
        let checkpointer = try WALCheckpointer(path: path)
        return { checkpointer.stop() }
    }

    /// Two dispatchers on one file would both take the same due deliveries.
    public func dispatchLockPath() -> String? { path + ".dispatch.lock" }

    public var scriptDirectory: String { path + ".scripts" }

    public func copySide() throws(StoreError) -> any StateCopySide { try SQLiteStateCopy(path: path) }
}
