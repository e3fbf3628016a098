import ReactionsCore

/// Numbered revisions of the running state (DESIGN §5). A protocol so that a PostgreSQL
/// store can stand beside the SQLite one without touching the core or the CLI.
public protocol StateStore {
    /// The latest revision, or nil when nothing was ever applied.
    func head() throws(StoreError) -> RevisionInfo?
    func revision(_ number: Int) throws(StoreError) -> Revision?
    /// Newest first.
    func history(limit: Int?) throws(StoreError) -> [RevisionInfo]
    /// Writes a new revision in one transaction, if and only if the head is still
    /// `expectedBase` (nil: the state is still empty). Otherwise throws `.stale`.
    func commit(_ commit: RevisionCommit, expectedBase: Int?) throws(StoreError) -> RevisionInfo
}

public struct RevisionInfo: Sendable, Hashable {
    public var number: Int
    public var hash: String
    /// RFC 3339, UTC.
    public var createdAt: String
    public var createdBy: String
    /// `apply`, `apply <planfile>`, `rollback to 3`.
    public var source: String
    public var summary: Plan.Summary

    public var base: Plan.Base { Plan.Base(number: number, hash: hash) }
}

public struct Revision: Sendable {
    public var info: RevisionInfo
    public var document: StateDocument
    /// Script contents by SHA-256.
    public var scripts: [String: [UInt8]]
}

public struct RevisionCommit: Sendable {
    public var document: StateDocument
    public var scripts: [String: [UInt8]]
    public var createdBy: String
    public var source: String
    public var summary: Plan.Summary
    /// The new revision's reactions, so `config.applied` can fire them in the same transaction.
    public var matcher: ReactionMatcher?

    public init(document: StateDocument, scripts: [String: [UInt8]], createdBy: String, source: String, summary: Plan.Summary,
                matcher: ReactionMatcher? = nil) {
        self.matcher = matcher
        self.document = document
        self.scripts = scripts
        self.createdBy = createdBy
        self.source = source
        self.summary = summary
    }
}

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The head moved since the plan was made.
    case stale(expected: Int?, actual: Int?)
    case notFound(revision: Int)
    case cannotOpen(path: String, reason: String)
    case sqlite(code: Int32, message: String)
    /// A statement PostgreSQL refused: its SQLSTATE (`23505` unique violation, …) and message.
    case postgres(state: String, message: String)
    case corrupt(String)
    case newerSchema(found: Int, supported: Int)
    /// `state copy` into a state that already holds revisions, deploys or events.
    case notEmpty(String)

    public var description: String {
        switch self {
        case .stale(let expected, let actual):
            let e = expected.map { "revision \($0)" } ?? "an empty state"
            let a = actual.map { "revision \($0)" } ?? "an empty state"
            return "the plan is stale: it was made against \(e), but the state is now at \(a). Run `reactions plan` again and review the new plan."
        case .notFound(let n): return "there is no revision \(n); see `reactions state history`"
        case .cannotOpen(let path, let reason): return "cannot open the state at \(path): \(reason)"
        case .sqlite(let code, let message): return "state store error (SQLite \(code)): \(message)"
        case .postgres(let state, let message): return "state store error (PostgreSQL \(state)): \(message)"
        case .corrupt(let why): return "the state store is corrupt: \(why)"
        case .newerSchema(let found, let supported):
            return "the state store was written by a newer reactions (schema \(found); this one knows \(supported)); upgrade reactions"
        case .notEmpty(let location):
            return "\(location) already holds a state; copy into an empty one (a new database, or a file that does not exist yet)"
        }
    }
}
