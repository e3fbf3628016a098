import Foundation
import HTTPServer
import ReactionsCore
import ReactionsStore

/// `/api/v1/…`: what the runtime recorded, the outbox, revisions for remote plan and apply,
/// and emitting events, behind bearer tokens from the server's environment, each with a
/// scope (`AdminScope`); the API is disabled when none is set. A script's short-lived
/// token (`REACTIONS_API_TOKEN`) is accepted for two things only: `POST /api/v1/events`
/// and `POST /api/v1/deploys`.
struct AdminAPI {
    let runtime: Runtime

    /// Every route, as `schema/openapi/v1.json` names them (a test keeps the two equal).
    static let routes: [(method: String, path: String)] = [
        ("GET", "/api/v1/deploys"), ("POST", "/api/v1/deploys"), ("GET", "/api/v1/suggestions"), ("GET", "/api/v1/events"),
        ("POST", "/api/v1/events"), ("GET", "/api/v1/state"), ("GET", "/api/v1/revisions"), ("POST", "/api/v1/revisions"),
        ("GET", "/api/v1/revisions/{number}"), ("GET", "/api/v1/secrets"), ("GET", "/api/v1/deliveries"), ("GET", "/api/v1/deliveries/{id}"), ("GET", "/api/v1/events/{id}"),
        ("POST", "/api/v1/deliveries/{id}/redeliver"), ("GET", "/api/v1/stats"), ("GET", "/api/v1/openapi.json"),
        ("POST", "/api/v1/replay"), ("GET", "/api/v1/replay/{id}"),
    ]

    static func routeLabel(_ path: Substring) -> String {
        switch path {
        case "/api/v1/deploys", "/api/v1/suggestions", "/api/v1/events", "/api/v1/state", "/api/v1/deliveries", "/api/v1/stats",
             "/api/v1/openapi.json", "/api/v1/replay",
             "/api/v1/revisions", "/api/v1/secrets": return String(path)
        default:
            if path.hasPrefix("/api/v1/revisions/") { return "/api/v1/revisions/:number" }
            if path.hasPrefix("/api/v1/replay/") { return "/api/v1/replay/:id" }
            if path.hasPrefix("/api/v1/events/") { return "/api/v1/events/:id" }
            if path.hasPrefix("/api/v1/deliveries/") {
                return path.hasSuffix("/redeliver") ? "/api/v1/deliveries/:id/redeliver" : "/api/v1/deliveries/:id"
            }
            return "/api/(other)"
        }
    }

    enum Caller {
        case token(AdminScope)
        case script(ScopedToken.Claims)
    }

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let presented = Self.bearerToken(request.headers)
        let caller: Caller
        if let presented, presented.hasPrefix(ScopedToken.prefix) {
            guard let claims = runtime.tokens.verify(presented, now: Int64(Date().timeIntervalSince1970)) else { return respond(unauthorized()) }
            caller = .script(claims)
        } else if !runtime.adminTokens.enabled {
            // With no token configured, a server listening on loopback only lets what runs on
            // this machine read (the quickstart's dashboard opens at once); anything else, and
            // any server reachable from other machines, keeps the API off.
            guard presented == nil, runtime.listensOnLoopbackOnly, Self.scope(method: request.method, path: String(request.path)) == .read else {
                return respond(.problem(.notFound, "Not Found", "the admin API is disabled; set REACTIONS_ADMIN_TOKEN (or a scoped REACTIONS_READ_TOKEN, REACTIONS_PLAN_TOKEN, REACTIONS_APPLY_TOKEN) on the server to enable it"))
            }
            caller = .token(.read)
        } else {
            guard let presented, let scope = runtime.adminTokens.scope(of: presented) else { return respond(unauthorized()) }
            caller = .token(scope)
        }
        let path = request.path
        let needed = Self.scope(method: request.method, path: String(path))
        switch caller {
        case .script(let claims):
            let allowed = request.method == "POST" && (path == "/api/v1/events" && claims.allows(ScopedToken.Claims.emitScope)
                || path == "/api/v1/deploys" && claims.allows(ScopedToken.Claims.recordDeploysScope))
            guard allowed else {
                return respond(.problem(.forbidden, "Forbidden", "a script's token may only emit events (POST /api/v1/events) and record deploys (POST /api/v1/deploys)"))
            }
        case .token(let scope):
            guard scope >= needed else {
                return respond(.problem(.forbidden, "Forbidden", "this token's scope is \(scope); \(request.method) \(path) needs \(needed) (\(needed.variable))"))
            }
        }
        do {
            switch (request.method, path) {
            case ("POST", "/api/v1/events"):
                return emit(request, caller: caller, respond: respond)
            case ("POST", "/api/v1/deploys"):
                return recordDeploy(request, caller: caller, respond: respond)
            case ("POST", _) where path.hasPrefix("/api/v1/deliveries/") && path.hasSuffix("/redeliver"):
                let id = String(path.dropFirst("/api/v1/deliveries/".count).dropLast("/redeliver".count))
                return respond(redeliver(id))
            case ("POST", "/api/v1/revisions"):
                return respond(RevisionsAPI(runtime: runtime).commit(request))
            case ("POST", "/api/v1/replay"):
                return respond(ReplayAPI(runtime: runtime).start(request))
            case ("GET", _) where path.hasPrefix("/api/v1/replay/"):
                return respond(ReplayAPI(runtime: runtime).status(String(path.dropFirst("/api/v1/replay/".count))))
            case ("GET", _):
                if let response = try RevisionsAPI(runtime: runtime).read(request) { return respond(response) }
            default:
                return respond(.problem(.methodNotAllowed, "Method Not Allowed", "this resource is read with GET"))
            }
            let query = QueryString.parse(request.head.query ?? "")
            var limit = 50
            if let text = query["limit"] {
                guard let n = Int(text), (1...1000).contains(n) else { return respond(.problem(.badRequest, "Limit Error", "limit must be a number from 1 to 1000")) }
                limit = n
            }
            switch path {
            case "/api/v1/deploys":
                var since: String? = nil
                if let text = query["since"] {
                    guard let time = Timestamp.normalize(text) else {
                        return respond(.problem(.badRequest, "Bad Request", "since must be a time such as 2019-02-01T13:28:33Z"))
                    }
                    since = time
                }
                let deploys = try runtime.deploys(DeployQuery(service: query["service"], environment: query["environment"], since: since, limit: limit))
                respond(.json(.ok, JSON.object(["deploys": .array(deploys.map(\.json))]).compactText))
            case "/api/v1/suggestions":
                respond(.json(.ok, JSON.object(["suggestions": .array(try runtime.suggestions().map(\.json))]).compactText))
            case "/api/v1/openapi.json":
                respond(.json(.ok, OpenAPIDocument.text))
            case "/api/v1/stats":
                let until = Timestamp.epochMilliseconds()
                guard let since = DeployStats.since(query["since"] ?? "30d", now: until) else {
                    return respond(.problem(.badRequest, "Since Error", "since must be a duration such as 30d or a time such as 2019-02-01T13:28:33Z"))
                }
                let filter = DeployQuery(service: query["service"], environment: query["environment"])
                respond(.json(.ok, try runtime.stats(filter, since: since, until: until).compactText))
            case "/api/v1/events":
                respond(.json(.ok, JSON.object(["events": .array(try runtime.events(type: query["type"], limit: limit))]).compactText))
            case "/api/v1/deliveries":
                var status: DeliveryStatus? = nil
                if let text = query["status"] {
                    guard let s = DeliveryStatus(rawValue: text) else {
                        return respond(.problem(.badRequest, "Status Error", "status must be one of " + DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", ")))
                    }
                    status = s
                }
                let list = try runtime.deliveries(DeliveryQuery(status: status, reaction: query["reaction"], eventID: query["event"], limit: limit))
                respond(.json(.ok, JSON.object(["deliveries": .array(list.map(\.json))]).compactText))
            default:
                if path.hasPrefix("/api/v1/events/") {
                    let id = String(path.dropFirst("/api/v1/events/".count))
                    guard let found = try runtime.event(id: id) else { return respond(.problem(.notFound, "Not Found", try runtime.missingEvent(id))) }
                    return respond(.json(.ok, JSON.object([.init("event", found.envelope),
                                                           .init("revision", found.revision.map(JSON.int) ?? .null)]).compactText))
                }
                if path.hasPrefix("/api/v1/deliveries/") {
                    let id = String(path.dropFirst("/api/v1/deliveries/".count))
                    guard let delivery = try runtime.delivery(id: id) else {
                        return respond(.problem(.notFound, "Not Found", runtime.missingDelivery(id)))
                    }
                    return respond(.json(.ok, delivery.json.compactText))
                }
                respond(.problem(.notFound, "Not Found", "no such admin resource"))
            }
        } catch {
            respond(HTTPResponse.problem(.internalServerError, "Internal Server Error", "the state store could not be read"))
        }
    }

    /// `POST /api/v1/events`: `{"type": "custom.…", "data": {…}, "subject", "service", "environment"}`.
    /// Emitted events go through the event writer like webhooks: committed with their
    /// deliveries before the 202, in a group commit.
    private func emit(_ request: HTTPRequest, caller: Caller, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        guard let body = try? JSONParser.value(request.body), body.objectMembers != nil else {
            return respond(.problem(.badRequest, "Invalid Body", "send a JSON object: {\"type\": \"custom.…\", \"data\": {…}}"))
        }
        guard let type = body["type"]?.stringValue, EventType.isCustom(type) else {
            return respond(.problem(.badRequest, "Type Error", "type must be custom.<name> (lowercase letters, digits, '.', '-', '_'); other event types are emitted by reactions itself"))
        }
        for key in ["subject", "service", "environment"] {
            if let value = body[key], value.stringValue == nil, value != .null {
                return respond(.problem(.badRequest, "Field Error", "\(key) must be a string"))
            }
        }
        var source = "/api"
        var causation: String? = nil
        var depth = 0
        if case .script(let claims) = caller {
            source = "/reactions/\(claims.reaction)"
            causation = claims.causation
            depth = claims.depth + 1
        }
        let routes = runtime.routes
        let event = CloudEvent(id: EventID.make(), source: source, type: type, time: Timestamp.now(), subject: body["subject"]?.stringValue,
                               data: body["data"] ?? .object([]), service: body["service"]?.stringValue,
                               environment: body["environment"]?.stringValue, causationID: causation, chainDepth: depth)
        let record = ReceivedEvent(event: event, endpoint: nil, messageID: nil, receivedAtSeconds: Int(Date().timeIntervalSince1970),
                                   revision: routes.revision, matcher: routes.matcher)
        let log = runtime.log
        let chainDepth = depth
        runtime.writer.submit(record) { result in
            switch result {
            case .success(let outcome):
                if chainDepth >= OutboxMatcher.maximumChainDepth {
                    log.event("event stored without firing reactions: chain too deep", ["event": .string(event.id), "depth": .int(chainDepth)], level: "warn")
                }
                let reactions: Int
                if case .stored(_, let n) = outcome { reactions = n } else { reactions = 0 }
                respond(.json(.accepted, JSON.object(["event_id": .string(event.id), "reactions": .int(reactions)]).compactText))
            case .failure(let error):
                log.event("event not recorded", ["error": .string(error.description)], level: "error")
                respond(.problem(.internalServerError, "Internal Server Error", "the event could not be recorded; retry the request"))
            }
        }
    }

    /// `POST /api/v1/deploys[?endpoint=NAME]`: a deploy in the seed's shape, recorded and
    /// answered exactly as `POST /integrations/deploy/<id>` of that endpoint would (which
    /// is also where it shows in listings). `endpoint` may be left out when only one deploy
    /// endpoint is declared. From a script, the deploy's event records the event that ran it
    /// and is one level deeper in the chain.
    private func recordDeploy(_ request: HTTPRequest, caller: Caller, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let routes = runtime.routes
        let endpoint: Endpoint
        switch Self.deployEndpoint(request.head, routes) {
        case .success(let e): endpoint = e
        case .failure(let refusal): return respond(refusal.response)
        }
        var cause: (eventID: String, depth: Int)? = nil
        if case .script(let claims) = caller { cause = (claims.causation, claims.depth) }
        DeployEndpointHandler(runtime: runtime).handle(request, endpoint: endpoint, routes: routes, cause: cause, respond: respond)
    }

    struct EndpointRefusal: Error {
        var response: HTTPResponse
    }

    /// The deploy endpoint `POST /api/v1/deploys` records under: the one `?endpoint=` names,
    /// or the only one declared.
    static func deployEndpoint(_ head: HTTPRequestHead, _ routes: RouteTable) -> Result<Endpoint, EndpointRefusal> {
        let declared = routes.config.endpoints.filter { $0.kind == .deploy }
        if let name = QueryString.parse(head.query ?? "")["endpoint"] {
            guard let named = declared.first(where: { $0.name == name }) else {
                let known = declared.isEmpty ? "this revision declares none" : "declared: " + names(declared)
                return .failure(EndpointRefusal(response: .problem(.notFound, "Not Found", "no deploy endpoint is named \(name); \(known) (`reactions endpoints` lists them)")))
            }
            return .success(named)
        }
        guard declared.count == 1, let only = declared.first else {
            return .failure(EndpointRefusal(response: .problem(.badRequest, "Endpoint Error", declared.isEmpty
                ? "this revision declares no deploy endpoint to record the deploy under"
                : "name the deploy endpoint to record under with ?endpoint=: one of " + names(declared))))
        }
        return .success(only)
    }

    private static func names(_ endpoints: [Endpoint]) -> String {
        endpoints.map(\.name).sorted().joined(separator: ", ")
    }

    private func redeliver(_ id: String) -> HTTPResponse {
        do {
            let delivery = try runtime.redeliver(id: id)
            return .json(.accepted, delivery.json.compactText)
        } catch .notFound {
            return .problem(.notFound, "Not Found", runtime.missingDelivery(id))
        } catch {
            return HTTPResponse.problem(.internalServerError, "Internal Server Error", error.description)
        }
    }

    /// The token of an `Authorization: Bearer …` header.
    static func bearerToken(_ headers: HTTPHeaders) -> String? {
        headers["authorization"].flatMap { value -> String? in
            value.lowercased().hasPrefix("bearer ") ? String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
        }
    }

    /// A committed revision carries the whole normalized config (4.6 MB at 10k reactions),
    /// far over the server's 1 MiB default. Only a request whose token may apply gets this
    /// room, decided from its head, so anyone else is still refused before a byte is read.
    static let revisionBodyLimit = 64 << 20

    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        // A deploy recorded through the API is held to its endpoint's limit, as it would be there.
        if head.method == "POST", head.path == "/api/v1/deploys", case .success(let endpoint) = Self.deployEndpoint(head, runtime.routes) {
            return endpoint.maxBodyBytes
        }
        // A planned document, for a replay (plan scope) or a commit (apply scope).
        guard head.method == "POST", head.path == "/api/v1/revisions" || head.path == "/api/v1/replay", let token = Self.bearerToken(head.headers),
              let scope = runtime.adminTokens.scope(of: token), scope >= Self.scope(method: "POST", path: String(head.path)) else { return nil }
        return Self.revisionBodyLimit
    }

    /// The scope each route needs.
    static func scope(method: String, path: String) -> AdminScope {
        if method == "POST" {
            switch path {
            case "/api/v1/revisions": return .apply
            case "/api/v1/replay": return .plan
            default: return .admin
            }
        }
        if path.hasPrefix("/api/v1/revisions/") || path.hasPrefix("/api/v1/replay/") || path == "/api/v1/secrets" { return .plan }
        return .read
    }

    func unauthorized() -> HTTPResponse {
        var response = HTTPResponse.problem(.unauthorized, "Unauthorized", "a valid bearer token is required")
        response.headers.append(("WWW-Authenticate", "Bearer realm=\"reactions\""))
        return response
    }

}
