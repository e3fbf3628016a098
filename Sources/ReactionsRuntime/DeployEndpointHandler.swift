import HTTPServer
import ReactionsCore
import ReactionsStore

/// `POST /integrations/deploy/<id>`: OpsLevel's deploy webhook, exactly as seed 001 writes it.
struct DeployEndpointHandler {
    let runtime: Runtime

    static let ok = #"{"result":"ok"}"#
    static let duplicate = #"{"result":"duplicate_deploy","message":"Deploy not created due to existing deploy with identical dedup_id"}"#
    /// Built once: nearly every deploy gets one of these two answers.
    static let okResponse = HTTPResponse.json(.accepted, ok)
    static let duplicateResponse = HTTPResponse.json(.accepted, duplicate)

    static func noServiceFound(_ service: String) -> String {
        JSON.object(["result": .string("no_service_found"),
                     "message": .string("No service found matching alias '\(service)'. Recording '\(service)' as a suggestion.")]).compactText
    }

    /// `cause`: set when a reaction's script records the deploy through the admin API.
    func handle(_ request: HTTPRequest, endpoint: Endpoint, routes: RouteTable, cause: (eventID: String, depth: Int)? = nil,
                respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let form = runtime.writer.envelopeForm
        let body: DeployBody
        switch DeployBody.parse(request.body, form: form) {
        case .failure(let invalid):
            return respond(.json(.badRequest, DeployPayload.errorBody(invalid.errors, status: 400)))
        case .success(let b):
            body = b
        }
        let payload = body.payload
        let matched = routes.services.match(payload.service)
        let record = DeployRecord(endpoint: endpoint.name, body: body, serviceName: matched,
                                  receivedAt: Timestamp.now(), revision: routes.revision, matcher: routes.matcher, cause: cause,
                                  form: form)
        let metrics = runtime.metrics
        let log = runtime.log
        // The answer needs only the name: capturing the whole payload retained all of it.
        let service = payload.service
        runtime.writer.submit(record) { result in
            switch result {
            case .success(.duplicate):
                metrics.deployRecorded(result: "duplicate_deploy")
                respond(Self.duplicateResponse)
            case .success(let outcome):
                if case .updated = outcome { metrics.deployRecorded(result: "updated") }
                if matched == nil {
                    metrics.deployRecorded(result: "no_service_found")
                    respond(.json(.accepted, Self.noServiceFound(service)))
                } else {
                    metrics.deployRecorded(result: "ok")
                    respond(Self.okResponse)
                }
            case .failure(let error):
                // Not committed, so not acknowledged: the pipeline should retry.
                log.event("deploy not recorded", ["error": .string(error.description)], level: "error")
                respond(.problem(.internalServerError, "Internal Server Error", "the deploy could not be recorded; retry the request"))
            }
        }
    }
}
