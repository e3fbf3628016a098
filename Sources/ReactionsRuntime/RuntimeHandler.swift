import Dispatch
import HTTPServer
import ReactionsCore
import ReactionsStore

/// Routes requests of `reactions serve`: deploy endpoints, health, metrics, admin API.
struct RuntimeHandler: HTTPHandler {
    let runtime: Runtime

    static let deployPrefix = "/integrations/deploy/"

    static let deployPrefixBytes = Array(deployPrefix.utf8)

    /// The id in `/integrations/deploy/<id>`, compared over the path's contiguous bytes:
    /// Substring's `hasPrefix` walks Characters, and even `utf8.starts(with:)` went through
    /// generic iterators, twice per deploy (body limit, then routing).
    static func deployID(in path: Substring) -> String? {
        let prefix = deployPrefixBytes
        let matches = path.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.count >= prefix.count else { return false }
            for i in prefix.indices where bytes[i] != prefix[i] { return false }
            return true
        } ?? path.utf8.starts(with: prefix)
        guard matches else { return nil }
        return String(path[path.utf8.index(path.startIndex, offsetBy: prefix.count)...])
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        let routes = runtime.routes
        let path = head.path
        if let id = Self.deployID(in: path) {
            return routes.deployEndpoint(id: id)?.maxBodyBytes
        }
        if let webhook = routes.webhooksByPath[String(path)] { return webhook.maxBodyBytes }
        return AdminAPI(runtime: runtime).bodyLimit(for: head)
    }

    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let runtime = self.runtime
        let path = request.path
        // One snapshot of the served revision per request: a newly applied one takes over
        // between requests, never in the middle of one.
        let routes = runtime.routes
        // Each route answers through `finish`, which logs and counts the request. It keeps
        // the method, not the request: the answer often comes from the writer's thread, and
        // the body would be freed there, into the malloc arena of the thread that read it.
        let method = request.method
        // On the request's event loop: an answer from the writer's thread would otherwise be
        // logged and counted there, work per request in the one thread every deploy waits on.
        func finish(_ route: String, endpoint: String? = nil) -> @Sendable (HTTPResponse) -> Void {
            { response in
                context.onLoop {
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - context.startedAt) / 1e9
                    runtime.metrics.observe(route: route, status: response.status.code, seconds: seconds)
                    runtime.log.request(method: method, route: route, endpoint: endpoint, status: response.status.code,
                                        milliseconds: seconds * 1000, bytes: response.body.count, peer: context.peer)
                    respond(response)
                }
            }
        }
        if let id = Self.deployID(in: path) {
            let route = "/integrations/deploy/:id"
            guard let deploy = routes.deployEndpoint(id: id) else {
                return finish(route)(.problem(.notFound, "Not Found", "no deploy integration exists at this URL; check the endpoint id (`reactions endpoints`)"))
            }
            guard request.method == "POST" else {
                var response = HTTPResponse.problem(.methodNotAllowed, "Method Not Allowed", "deploys are recorded with POST")
                response.headers.append(("Allow", "POST"))
                return finish(route, endpoint: deploy.name)(response)
            }
            return DeployEndpointHandler(runtime: runtime).handle(request, endpoint: deploy, routes: routes,
                                                                 respond: finish(route, endpoint: deploy.name))
        }
        if let webhook = routes.webhooksByPath[String(path)] {
            // The route label is the declared path: reviewed config, never a credential.
            return WebhookEndpointHandler(runtime: runtime).handle(request, endpoint: webhook, routes: routes,
                                                                   respond: finish(webhook.path ?? "(webhook)", endpoint: webhook.name))
        }
        switch (request.method, path) {
        case ("GET", "/healthz"), ("HEAD", "/healthz"):
            finish("/healthz")(.json(.ok, #"{"status":"ok"}"#))
        case ("GET", "/readyz"), ("HEAD", "/readyz"):
            let (ready, reason) = runtime.readiness()
            finish("/readyz")(.json(ready ? .ok : .serviceUnavailable,
                                    JSON.object(["status": .string(ready ? "ready" : "not_ready"), "revision": .int(routes.revision),
                                                 "reason": reason.map(JSON.string) ?? .null]).compactText))
        case ("GET", "/metrics"):
            finish("/metrics")(.text(.ok, runtime.metricsText(),
                                     contentType: "text/plain; version=0.0.4; charset=utf-8"))
        default:
            if path.hasPrefix("/api/") {
                AdminAPI(runtime: runtime).handle(request, respond: finish(AdminAPI.routeLabel(path)))
            } else if path.hasPrefix("/ui"), let page = DashboardHandler.response(method: request.method, path: path) {
                finish("/ui")(page)
            } else {
                finish("(unmatched)")(.problem(.notFound, "Not Found", "nothing is served at this path"))
            }
        }
    }
}
