import Foundation
import HTTPServer
import ReactionsCore
import ReactionsStore
import Synchronization

/// `POST /api/v1/replay` and `GET /api/v1/replay/{id}` (plan scope): `plan --replay --server`.
/// The server replays its own recorded events against the revision it serves and the planned
/// document it is sent, so history never leaves it; only counts, a few examples and rendered
/// actions go back.
///
/// A replay of millions of events takes seconds to minutes, longer than a proxy in front of
/// the server may keep a request open, so it is a job: the POST answers 202 at once with
/// where to ask, and the client polls with short requests. It runs on a thread of its own
/// with its own store connection (the API's shared reader and the request workers stay
/// free), one at a time; the last result is kept until the next replay starts.
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

    func start(_ request: HTTPRequest) -> HTTPResponse {
        let asked: Request
        switch Self.parse(request.body) {
        case .refused(let response): return response
        case .request(let r): asked = r
        }
        let runtime = runtime
        guard let id = runtime.replays.start(run: { () throws(StoreError) -> Replay in
            let served = runtime.routes.revision
            let before = served > 0 ? try runtime.revision(served)?.document ?? .empty : .empty
            let store = try runtime.options.store.deployStore(writer: false)
            return try EventReplay.run(store, before: before, after: asked.desired, since: asked.since, limit: asked.limit,
                                       now: Timestamp.epochMilliseconds())
        }) else {
            var response = HTTPResponse.problem(.tooManyRequests, "Replay Running", "a replay is already running on this server; try again when it finishes")
            response.headers.append(("Retry-After", "5"))
            return response
        }
        var response = HTTPResponse.json(.accepted, JSON.object([.init("id", .string(id)), .init("status", .string("running"))]).compactText)
        response.headers.append(("Location", "/api/v1/replay/\(id)"))
        return response
    }

    /// 200 with the replay when it is done, 202 while it runs.
    func status(_ id: String) -> HTTPResponse {
        switch runtime.replays.state(of: id) {
        case nil:
            return .problem(.notFound, "Not Found", "no replay \(id) on this server (only the latest is kept); start one with POST /api/v1/replay")
        case .running?:
            var response = HTTPResponse.json(.accepted, JSON.object([.init("id", .string(id)), .init("status", .string("running"))]).compactText)
            response.headers.append(("Retry-After", "1"))
            return response
        case .done(let replay)?:
            return .json(.ok, replay.json.compactText)
        case .failed(let error)?:
            return .problem(.internalServerError, "Replay Failed", "the replay could not read the state store: \(error.description)")
        }
    }
}

/// The server's replay job: at most one runs; the last one's outcome is kept.
final class ReplayJobs: Sendable {
    enum State: Sendable {
        case running
        case done(Replay)
        case failed(StoreError)
    }

    private let latest = Mutex<(id: String, state: State)?>(nil)

    /// Starts `run` on a thread of its own; nil while another replay runs.
    func start(run: @escaping @Sendable () throws(StoreError) -> Replay) -> String? {
        let id = EventID.make()
        let started = latest.withLock { job -> Bool in
            if case .running? = job?.state { return false }
            job = (id, .running)
            return true
        }
        guard started else { return nil }
        let thread = Thread { [self] in
            let outcome: State
            do throws(StoreError) { outcome = .done(try run()) } catch { outcome = .failed(error) }
            latest.withLock { $0 = (id, outcome) }
        }
        thread.name = "replay"
        thread.start()
        return id
    }

    func state(of id: String) -> State? {
        latest.withLock { job in job?.id == id ? job?.state : nil }
    }
}
