import Foundation
import HTTPServer
import ReactionsCore
import ReactionsStore
import Synchronization

/// `POST /api/v1/replay` (plan scope): `plan --replay --server`. The server replays its own
/// recorded events against the revision it serves and the planned document it is sent, so
/// history never leaves it; only counts, a few examples and rendered actions go back.
///
/// A replay reads up to millions of events: it runs on a thread of its own with its own store
/// connection (the API's shared reader and the request workers stay free), one at a time.
struct ReplayAPI {
    let runtime: Runtime

    struct Request {
        var desired: StateDocument
        var since: Int64?
        var limit: Int?
    }

    enum Parsed {
        case request(Request)
        case refused(HTTPResponse)
    }

    /// Body: `{"desired": <document>, "since": RFC3339?, "events": N?}`.
    static func parse(_ body: [UInt8]) -> Parsed {
        guard let body = try? JSONParser.value(body) else { return .refused(.problem(.badRequest, "Invalid Body", "send the replay request as JSON")) }
        guard let documentJSON = body["desired"], let desired = try? StateDocument(json: documentJSON) else {
            return .refused(.problem(.badRequest, "Invalid Document", "\"desired\" must be the planned state document (what `reactions plan --out` saves)"))
        }
        var request = Request(desired: desired)
        if let text = body["since"], text != .null {
            guard let value = text.stringValue.flatMap(Timestamp.milliseconds) else {
                return .refused(.problem(.badRequest, "Since Error", "since must be a time such as 2026-12-01T00:00:00Z"))
            }
            request.since = value
        }
        if let n = body["events"], n != .null {
            guard let value = n.intValue, value > 0 else { return .refused(.problem(.badRequest, "Events Error", "events must be a positive number")) }
            request.limit = value
        }
        return .request(request)
    }

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let asked: Request
        switch Self.parse(request.body) {
        case .refused(let response): return respond(response)
        case .request(let r): asked = r
        }
        guard runtime.replaying.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            var response = HTTPResponse.problem(.tooManyRequests, "Replay Running", "a replay is already running on this server; try again when it finishes")
            response.headers.append(("Retry-After", "5"))
            return respond(response)
        }
        let runtime = runtime
        let thread = Thread {
            defer { runtime.replaying.store(false, ordering: .releasing) }
            do throws(StoreError) {
                let served = runtime.routes.revision
                let before = served > 0 ? try runtime.revision(served)?.document ?? .empty : .empty
                let store = try runtime.options.store.deployStore(writer: false)
                let replay = try EventReplay.run(store, before: before, after: asked.desired, since: asked.since, limit: asked.limit,
                                                 now: Timestamp.epochMilliseconds())
                respond(.json(.ok, replay.json.compactText))
            } catch {
                respond(.problem(.internalServerError, "Internal Server Error", "the replay could not read the state store: \(error.description)"))
            }
        }
        thread.name = "replay"
        thread.start()
    }
}
