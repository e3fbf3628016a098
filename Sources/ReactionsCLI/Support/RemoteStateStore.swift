import Foundation
import ReactionsCore
import ReactionsStore

/// The state of a running `serve`, through its admin API: `plan --server` and
/// `apply --server` use it exactly where they would use the local SQLite store, so the
/// plan, the stale-plan refusal and the one-transaction commit are the same code paths.
struct RemoteStateStore: StateStore {
    let client: APIClient

    private func get(_ path: String) throws(StoreError) -> JSON? {
        let response = try call("GET", path)
        if response.status == 404 { return nil }
        guard response.status == 200, let body = response.body else { throw failure(response) }
        return body
    }

    private func call(_ method: String, _ path: String, body: JSON? = nil) throws(StoreError) -> APIClient.Response {
        do { return try client.send(method, path, body: body) } catch {
            throw .cannotOpen(path: client.baseURL, reason: error.message)
        }
    }

    /// The server's own words (a 403 names the token variable needed), except for a refused token.
    private func failure(_ response: APIClient.Response) -> StoreError {
        let reason = response.status == 401 ? "the token was refused (401); set REACTIONS_TOKEN to a token the server accepts"
                                            : APIClient.problem(response)
        return .cannotOpen(path: client.baseURL, reason: reason)
    }

    func head() throws(StoreError) -> RevisionInfo? {
        guard let state = try get("/api/v1/state") else {
            throw .cannotOpen(path: client.baseURL, reason: "no admin API there (is it a reactions serve with REACTIONS_*_TOKEN set?)")
        }
        guard let head = state["head"], head != .null else { return nil }
        guard let info = RevisionWire.info(head) else { throw .corrupt("the server's head revision cannot be read") }
        return info
    }

    func revision(_ number: Int) throws(StoreError) -> Revision? {
        guard let json = try get("/api/v1/revisions/\(number)?scripts=true") else { return nil }
        guard let revision = RevisionWire.revision(json) else { throw .corrupt("revision \(number) from the server cannot be read") }
        return revision
    }

    func history(limit: Int?) throws(StoreError) -> [RevisionInfo] {
        guard let list = try get("/api/v1/revisions" + (limit.map { "?limit=\($0)" } ?? ""))?.arrayValue else { return [] }
        return try list.map { json throws(StoreError) in
            guard let info = RevisionWire.info(json) else { throw .corrupt("the server's revision history cannot be read") }
            return info
        }
    }

    func commit(_ commit: RevisionCommit, expectedBase: Int?) throws(StoreError) -> RevisionInfo {
        let response = try call("POST", "/api/v1/revisions", body: RevisionWire.json(commit, expectedBase: expectedBase))
        if response.status == 409 {
            // The same refusal a local apply gives, with the server's head.
            let actual = try head()?.number
            throw .stale(expected: expectedBase, actual: actual)
        }
        guard response.status == 201, let body = response.body, let info = RevisionWire.info(body) else { throw failure(response) }
        return info
    }

    enum EventLookup {
        case found(JSON)
        /// The server's words: whether retention pruned it or it never was.
        case missing(String)
    }

    /// A recorded event (`test --from-event --server`).
    func event(id: String) throws(StoreError) -> EventLookup {
        let response = try call("GET", "/api/v1/events/\(id)")
        if response.status == 404 { return .missing(APIClient.problem(response)) }
        guard response.status == 200, let event = response.body?["event"] else { throw failure(response) }
        return .found(event)
    }

    /// `plan --replay --server`: the server replays its own history against the running
    /// revision and `desired` (history never leaves it; only counts and examples come back).
    /// It runs as a job the client polls with short requests: a long request would outlast
    /// a proxy's read timeout, and Foundation's client spins a core while it waits for one.
    func replay(desired: StateDocument, since: Int64?, limit: Int?, timeout: Double = 3_600) throws(StoreError) -> Replay {
        var body: [JSON.Member] = [.init("desired", desired.json)]
        if let since { body.append(.init("since", .string(Timestamp.format(milliseconds: since)))) }
        if let limit { body.append(.init("events", .int(limit))) }
        let started = try call("POST", "/api/v1/replay", body: .object(body))
        guard started.status == 202, let id = started.body?["id"]?.stringValue else { throw failure(started) }
        let deadline = Date().addingTimeInterval(timeout)
        var wait = 0.05
        while Date() < deadline {
            Thread.sleep(forTimeInterval: wait)
            wait = min(wait * 2, 0.5)
            let response = try call("GET", "/api/v1/replay/\(id)")
            if response.status == 202 { continue }
            guard response.status == 200, let json = response.body else { throw failure(response) }
            guard let replay = Replay(json: json) else { throw .corrupt("the server's replay cannot be read") }
            return replay
        }
        throw .cannotOpen(path: client.baseURL, reason: "the replay did not finish within \(Int(timeout)) s")
    }

    /// Which of `names` resolve on the server (names only travel; values never leave it).
    func available(_ names: [String]) throws(StoreError) -> Set<String> {
        guard !names.isEmpty else { return [] }
        let query = names.joined(separator: ",")
        guard let body = try get("/api/v1/secrets?names=\(query)") else { return [] }
        return Set((body["available"]?.arrayValue ?? []).compactMap(\.stringValue))
    }
}
