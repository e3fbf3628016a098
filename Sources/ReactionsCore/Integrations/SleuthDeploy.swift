/// Sleuth deploy registration: `POST /api/1/deployments/{org}/{deployment}/register_deploy`.
struct SleuthDeploy: IntegrationTemplate {
    let id = "sleuth-deploy"
    let summary = "Register a deploy with Sleuth for DORA metrics."
    let documentation = "https://help.sleuth.io/sleuth-api"
    let parameters = [
        IntegrationParameter("org_slug", required: true, "The Sleuth organization slug."),
        IntegrationParameter("deployment_slug", required: true, "The code deployment slug."),
        IntegrationParameter("api_key", required: true, secret: true, "An access token (Organization Settings → Access Tokens), sent as a Bearer token."),
        IntegrationParameter("sha", default: .string("#{deploy.commit.sha}"), "The commit deployed."),
        IntegrationParameter("environment", default: .string("#{deploy.environment}"), "The Sleuth environment slug."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var body: [JSON.Member] = [.init("sha", .string(s.text("sha")))]
        if let environment = s.optionalText("environment") { body.append(.init("environment", .string(environment))) }
        if let email = s.event("deploy.deployer.email")?.stringValue { body.append(.init("email", .string(email))) }
        if let time = s.event("event.time") { body.append(.init("date", time)) }
        return RenderedRequest(method: "POST",
                               url: "https://app.sleuth.io/api/1/deployments/\(s.pathSegment("org_slug"))/\(s.pathSegment("deployment_slug"))/register_deploy",
                               headers: jsonHeaders(("Authorization", "Bearer \(s.secret("api_key"))")), body: .object(body))
    }
}
