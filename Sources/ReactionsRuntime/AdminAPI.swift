import HTTPServer
import ReactionsCore
import ReactionsStore

/// `/api/v1/…`: read access to what the runtime recorded, behind a bearer token taken from
/// the server's environment (`REACTIONS_ADMIN_TOKEN`). Disabled when no token is set.
struct AdminAPI {
    let runtime: Runtime

    static func routeLabel(_ path: Substring) -> String {
        switch path {
        case "/api/v1/deploys", "/api/v1/suggestions", "/api/v1/events", "/api/v1/state": return String(path)
        default: return "/api/(other)"
        }
    }

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        guard let token = runtime.adminToken else {
            return respond(error(.notFound, "Not Found", "the admin API is disabled; set REACTIONS_ADMIN_TOKEN on the server to enable it"))
        }
        let presented = request.headers["authorization"].flatMap { value -> String? in
            value.lowercased().hasPrefix("bearer ") ? String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
        }
        guard let presented, ConstantTimeCompare.equals(Array(presented.utf8), Array(token.utf8)) else {
            var response = error(.unauthorized, "Unauthorized", "a valid bearer token is required")
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"reactions\""))
            return respond(response)
        }
        guard request.method == "GET" else { return respond(error(.methodNotAllowed, "Method Not Allowed", "only GET is served here")) }
        let query = QueryString.parse(request.head.query ?? "")
        var limit = 50
        if let text = query["limit"] {
            guard let n = Int(text), (1...1000).contains(n) else { return respond(error(.badRequest, "Limit Error", "limit must be a number from 1 to 1000")) }
            limit = n
        }
        do {
            switch request.path {
            case "/api/v1/deploys":
                let deploys = try runtime.deploys(DeployQuery(service: query["service"], environment: query["environment"], limit: limit))
                respond(.json(.ok, JSON.object(["deploys": .array(deploys.map(\.json))]).compactText))
            case "/api/v1/suggestions":
                respond(.json(.ok, JSON.object(["suggestions": .array(try runtime.suggestions().map(\.json))]).compactText))
            case "/api/v1/events":
                respond(.json(.ok, JSON.object(["events": .array(try runtime.events(type: query["type"], limit: limit))]).compactText))
            case "/api/v1/state":
                let routes = runtime.routes
                respond(.json(.ok, JSON.object(["revision": .int(routes.revision), "hash": .string(routes.hash)]).compactText))
            default:
                respond(error(.notFound, "Not Found", "no such admin resource"))
            }
        } catch {
            respond(self.error(.internalServerError, "Internal Server Error", "the state store could not be read"))
        }
    }

    func error(_ status: HTTPStatus, _ title: String, _ detail: String) -> HTTPResponse {
        .json(status, DeployPayload.errorBody([.init(title: title, detail: detail)], status: status.code))
    }
}
