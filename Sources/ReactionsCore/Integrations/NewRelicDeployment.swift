/// New Relic deployment marker, REST API v2: `POST /v2/applications/{id}/deployments.json`
/// with `X-Api-Key`.
struct NewRelicDeployment: IntegrationTemplate {
    let id = "newrelic-deployment"
    let summary = "Record a deployment marker on a New Relic APM application."
    let documentation = "https://docs.newrelic.com/docs/apm/apm-ui-pages/events/record-deployments/"
    let parameters = [
        IntegrationParameter("application_id", required: true, "The APM application id (the number in the application's URL)."),
        IntegrationParameter("api_key", required: true, secret: true, "A New Relic User API key allowed to record deployments."),
        IntegrationParameter("region", default: .string("us"), allowed: ["us", "eu"], "The account's data center: `us` or `eu`."),
        IntegrationParameter("revision", default: .string("#{deploy.deploy_number}"), "The revision shown on the marker."),
        IntegrationParameter("description", default: .string("#{deploy.description}"), "Text shown with the marker."),
        IntegrationParameter("user", default: .string("#{deploy.deployer.email | default: \"reactions\"}"), "Who deployed."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        let host = s.text("region") == "eu" ? "https://api.eu.newrelic.com" : "https://api.newrelic.com"
        var deployment: [JSON.Member] = [.init("revision", .string(s.text("revision")))]
        if let description = s.optionalText("description") { deployment.append(.init("description", .string(description))) }
        if let user = s.optionalText("user") { deployment.append(.init("user", .string(user))) }
        return RenderedRequest(method: "POST", url: "\(host)/v2/applications/\(s.pathSegment("application_id"))/deployments.json",
                               headers: jsonHeaders(("X-Api-Key", s.secret("api_key"))),
                               body: .object([.init("deployment", .object(deployment))]))
    }
}
