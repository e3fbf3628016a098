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
}
