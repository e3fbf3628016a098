/// Sentry release deploy: `POST /api/0/organizations/{org}/releases/{version}/deploys/`, Bearer token.
struct SentryDeploy: IntegrationTemplate {
    let id = "sentry-deploy"
    let summary = "Record a deploy of a release in Sentry."
    let documentation = "https://docs.sentry.io/api/releases/create-a-new-deploy-for-an-organization/"
    let parameters = [
        IntegrationParameter("organization", required: true, "The organization slug."),
        IntegrationParameter("auth_token", required: true, secret: true, "An auth token with `project:releases`."),
        IntegrationParameter("base_url", .url, default: .string("https://sentry.io"), "The Sentry server, for self-hosted Sentry."),
        IntegrationParameter("version", default: .string("#{deploy.deploy_number}"), "The release version the deploy belongs to."),
        IntegrationParameter("environment", default: .string("#{deploy.environment}"), "The environment deployed to."),
        IntegrationParameter("name", "An optional name for the deploy."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var body: [JSON.Member] = [.init("environment", .string(s.text("environment")))]
        if let name = s.optionalText("name") { body.append(.init("name", .string(name))) }
        return RenderedRequest(method: "POST",
                               url: "\(s.baseURL("base_url"))/api/0/organizations/\(s.pathSegment("organization"))/releases/\(s.pathSegment("version"))/deploys/",
                               headers: jsonHeaders(("Authorization", "Bearer \(s.secret("auth_token"))")), body: .object(body))
    }
}
