import HTTPServer
import ReactionsCore
import ReactionsStore

/// The admin API's view of the state store, for `plan --server` and `apply --server`: the
/// head, a revision's document, which secrets resolve here, and committing a revision with
/// the same stale check and transaction as a local apply.
struct RevisionsAPI {
    let runtime: Runtime

    /// `GET /api/v1/state`, `/api/v1/revisions[?limit=N]`, `/api/v1/revisions/<n>[?scripts=true]`,
    /// `/api/v1/secrets?names=A,B`; nil for other paths.
    func read(_ request: HTTPRequest) throws(StoreError) -> HTTPResponse? {
        let path = request.path
        if path == "/api/v1/revisions" {
            // Newest first, without documents: what `state history` shows.
            var limit: Int? = nil
            if let text = QueryString.parse(request.head.query ?? "")["limit"] {
                guard let n = Int(text), n > 0 else { return .problem(.badRequest, "Limit Error", "limit must be a positive number") }
                limit = n
            }
            return .json(.ok, JSON.array(try runtime.history(limit: limit).map { RevisionWire.json($0) }).compactText)
        }
        if path == "/api/v1/state" {
            let routes = runtime.routes
            let head = try runtime.head()
            return .json(.ok, JSON.object([
                .init("revision", .int(routes.revision)), .init("hash", .string(routes.hash)),
                .init("head", head.map(RevisionWire.json) ?? .null),
            ]).compactText)
        }
        if path.hasPrefix("/api/v1/revisions/") {
            guard let number = Int(path.dropFirst("/api/v1/revisions/".count)), number > 0 else {
                return .problem(.badRequest, "Revision Error", "a revision is a positive number")
            }
            guard let revision = try runtime.revision(number) else {
                return .problem(.notFound, "Not Found", StoreError.notFound(revision: number).description)
            }
            let scripts = QueryString.parse(request.head.query ?? "")["scripts"] == "true"
            return .json(.ok, RevisionWire.json(revision, scripts: scripts).compactText)
        }
        if path == "/api/v1/secrets" {
            // Names only: whether each resolves on this server, never a value.
            let names = (QueryString.parse(request.head.query ?? "")["names"] ?? "").split(separator: ",").map(String.init)
                .filter(SecretReference.isValidName)
            let secrets = runtime.secrets
            return .json(.ok, JSON.object([
                .init("available", .array(names.filter(secrets.isAvailable).map(JSON.string))),
                .init("missing", .array(names.filter { !secrets.isAvailable($0) }.map(JSON.string))),
            ]).compactText)
        }
        return nil
    }

    /// `POST /api/v1/revisions`: 201 with the new revision, 409 when the head moved.
    func commit(_ request: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONParser.value(request.body) else { return .problem(.badRequest, "Invalid Body", "send the commit as JSON") }
        let commit: RevisionCommit
        let expected: Int?
        do {
            (commit, expected) = try RevisionWire.commit(body)
        } catch {
            return HTTPResponse.problem(.badRequest, "Invalid Commit", error.description)
        }
        // The document must decode as the runtime will read it; a local apply checks the same.
        let (config, diagnostics) = commit.document.config()
        if let first = diagnostics.first(where: { $0.severity == .error }) { return .problem(.badRequest, "Invalid Document", first.message) }
        do {
            let info = try runtime.commit(commit, config: config, expectedBase: expected)
            runtime.log.event("revision applied through the admin API", ["revision": .int(info.number), "by": .string(info.createdBy)])
            return .json(.created, RevisionWire.json(info).compactText)
        } catch .stale(let e, let a) {
            return .problem(.conflict, "Stale Plan", StoreError.stale(expected: e, actual: a).description)
        } catch {
            return HTTPResponse.problem(.internalServerError, "Internal Server Error", error.description)
        }
    }

}
