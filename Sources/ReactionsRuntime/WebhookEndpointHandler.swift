import Foundation
import HTTPServer
import ReactionsCore
import ReactionsStore

/// A webhook endpoint at its declared path (an external trigger, seed 000): authenticate,
/// read the payload, commit a `webhook.received` event, answer 202 with its id and how many
/// reactions it fires.
struct WebhookEndpointHandler {
    let runtime: Runtime

    /// Request headers copied into the event; credentials and signatures never are.
    static let keptHeaders = ["content-type", "user-agent", "x-github-event", "x-github-delivery", "x-gitlab-event",
                              "x-request-id", "webhook-id", "webhook-timestamp"]

    func handle(_ request: HTTPRequest, endpoint: Endpoint, routes: RouteTable, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        guard request.method == "POST" else {
            var response = HTTPResponse.problem(.methodNotAllowed, "Method Not Allowed", "webhooks are received with POST")
            response.headers.append(("Allow", "POST"))
            return respond(response)
        }
        let query = QueryString.pairs(request.head.query ?? "")
        let now = Int(Date().timeIntervalSince1970)
        var messageID: String? = nil
        switch authenticate(request, endpoint: endpoint, query: query, now: now) {
        case .accepted(let id): messageID = id
        case .rejected: return respond(.problem(.unauthorized, "Unauthorized", "missing or invalid credentials"))
        case .secretMissing(let name):
            runtime.log.event("webhook secret missing", ["endpoint": .string(endpoint.name), "secret": .string(name)], level: "error")
            return respond(.problem(.serviceUnavailable, "Service Unavailable", "this endpoint's secret is not configured on the server"))
        }
        let payload: JSON
        switch Self.decodeBody(request) {
        case .success(let p): payload = p
        case .failure(let error): return respond(.problem(.badRequest, "Invalid Body", error.message))
        }
        var headers: [JSON.Member] = []
        for name in Self.keptHeaders { if let value = request.headers[name] { headers.append(JSON.Member(name, .string(value))) } }
        // The API key may travel in the query string; it never reaches the event.
        let queryJSON = JSON.object(query.filter { $0.0 != "api_key" }.map { JSON.Member($0.0, .string($0.1)) })
        let event = CloudEvent(id: EventID.make(), source: "/endpoints/\(endpoint.name)", type: EventType.webhookReceived,
                               time: Timestamp.now(), subject: nil,
                               data: .object(["payload": payload, "query": queryJSON, "headers": .object(headers)]), endpoint: endpoint.name)
        let record = ReceivedEvent(event: event, endpoint: endpoint.name, messageID: messageID, receivedAtSeconds: now,
                                   revision: routes.revision, matcher: routes.matcher)
        let log = runtime.log
        runtime.writer.submit(record) { result in
            switch result {
            case .success(.stored(let id, let reactions)):
                respond(.json(.accepted, JSON.object(["event_id": .string(id), "reactions": .int(reactions)]).compactText))
            case .success(.replay(let id)):
                // The sender retried a message already accepted: acknowledge it again, do nothing twice.
                respond(.json(.accepted, JSON.object(["event_id": .string(id), "reactions": .int(0), "duplicate": .bool(true)]).compactText))
            case .failure(let error):
                log.event("webhook not recorded", ["error": .string(error.description)], level: "error")
                respond(.problem(.internalServerError, "Internal Server Error", "the event could not be recorded; retry the request"))
            }
        }
    }

    enum Authentication {
        /// With the sender's message id, when the scheme has one.
        case accepted(String?)
        case rejected
        case secretMissing(String)
    }

    func authenticate(_ request: HTTPRequest, endpoint: Endpoint, query: [(String, String)], now: Int) -> Authentication {
        let secrets = runtime.secrets
        switch endpoint.auth {
        case nil, .none?:
            return .accepted(nil)
        case .apiKey(let ref)?:
            guard let key = secrets.value(ref.name) else { return .secretMissing(ref.name) }
            // The RFC asks for a header or the query string; all three places are accepted.
            var presented = request.headers["x-api-key"]
            if presented == nil, let auth = request.headers["authorization"], auth.lowercased().hasPrefix("bearer ") {
                presented = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            }
            if presented == nil { presented = query.last { $0.0 == "api_key" }?.1 }
            guard let presented, ConstantTimeCompare.equals(Array(presented.utf8), Array(key.utf8)) else { return .rejected }
            return .accepted(nil)
        case .hmac(let hmac)?:
            guard let secret = secrets.value(hmac.secret.name) else { return .secretMissing(hmac.secret.name) }
            if hmac.preset == .standardWebhooks {
                guard let verifier = try? StandardWebhooks(secret: secret) else { return .secretMissing(hmac.secret.name) }
                let id = request.headers["webhook-id"]
                do {
                    try verifier.verify(id: id, timestamp: request.headers["webhook-timestamp"], signatures: request.headers["webhook-signature"],
                                        body: request.body, now: Int64(now))
                } catch {
                    return .rejected
                }
                return .accepted(id)
            }
            let ok = HeaderSignature.verify(header: request.headers[hmac.header], prefix: hmac.prefix, encoding: hmac.encoding,
                                            secret: Array(secret.utf8), body: request.body)
            return ok ? .accepted(nil) : .rejected
        }
    }

    /// Form fields a webhook body may carry: form senders (Slack, Twilio, HTML forms) send
    /// tens; PHP's `max_input_vars` draws the same line.
    static let maximumFormFields = 1_000

    /// JSON, or `application/x-www-form-urlencoded` (repeated names become lists).
    static func decodeBody(_ request: HTTPRequest) -> Result<JSON, BodyError> {
        if request.body.isEmpty { return .success(.object([])) }
        let type = request.headers["content-type"]?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            let text = String(decoding: request.body, as: UTF8.self)
            guard let fields = QueryString.fields(text[...], maximumPairs: maximumFormFields) else {
                return .failure(BodyError(message: "the form has more than \(maximumFormFields) fields; send the payload as JSON"))
            }
            return .success(.object(fields.map { field in
                JSON.Member(field.name, field.values.count == 1 ? .string(field.values[0]) : .array(field.values.map(JSON.string)))
            }))
        }
        do {
            return .success(try JSONParser.value(request.body))
        } catch {
            return .failure(BodyError(message: "the body is not valid JSON (\(error.message)); send JSON or application/x-www-form-urlencoded"))
        }
    }
}

struct BodyError: Error {
    var message: String
}
