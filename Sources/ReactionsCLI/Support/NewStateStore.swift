import ReactionsCore
import ReactionsStore

/// A local state that does not exist yet: empty to read, and created by its first commit,
/// so `apply` writes a state file only when it writes a revision.
struct NewStateStore: StateStore {
    let path: String

    func head() throws(StoreError) -> RevisionInfo? { nil }
    func revision(_ number: Int) throws(StoreError) -> Revision? { nil }
    func history(limit: Int?) throws(StoreError) -> [RevisionInfo] { [] }

    func commit(_ commit: RevisionCommit, expectedBase: Int?) throws(StoreError) -> RevisionInfo {
        try StateInput.backend(path).stateStore().commit(commit, expectedBase: expectedBase)
    }
}
