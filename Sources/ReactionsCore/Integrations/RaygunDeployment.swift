/// Raygun deployment, API v3: `POST /v3/applications/api-key/{api_key}/deployments`, Bearer token.
struct RaygunDeployment: IntegrationTemplate {
    let id = "raygun-deployment"
    let summary = "Register a deployment of an application in Raygun."
    let documentation = "https://raygun.com/documentation/product-guides/deployment-tracking/overview/"
    let parameters = [
        IntegrationParameter("application_api_key", required: true, secret: true, "The application's API key."),
        IntegrationParameter("access_token", required: true, secret: true, "A personal access token with deployment write access."),
        IntegrationParameter("version", default: .string("#{deploy.deploy_number}"), "The version deployed."),
        IntegrationParameter("owner_name", default: .string("#{deploy.deployer.name | default: \"reactions\"}"), "Who deployed."),
        IntegrationParameter("comment", default: .string("#{deploy.description}"), "Release notes."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var body: [JSON.Member] = [.init("version", .string(s.text("version"))), .init("ownerName", .string(s.text("owner_name"))),
                                   .init("comment", .string(s.text("comment")))]
        if let email = s.event("deploy.deployer.email")?.stringValue { body.append(.init("emailAddress", .string(email))) }
        if let sha = s.event("deploy.commit.sha")?.stringValue { body.append(.init("scmIdentifier", .string(sha))) }
        if let time = s.event("event.time") { body.append(.init("deployedAt", time)) }
        return RenderedRequest(method: "POST",
                               url: "https://api.raygun.com/v3/applications/api-key/\(PercentEncoding.encode(s.secret("application_api_key")))/deployments",
                               headers: jsonHeaders(("Authorization", "Bearer \(s.secret("access_token"))")), body: .object(body))
    }
}
