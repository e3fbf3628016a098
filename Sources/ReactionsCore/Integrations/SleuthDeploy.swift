/// Sleuth deploy registration: `POST /api/1/deployments/{org}/{deployment}/register_deploy`.
struct SleuthDeploy: IntegrationTemplate {
    let id = "sleuth-deploy"
    let summary = "Register a deploy with Sleuth for DORA metrics."
    let documentation = "https://help.sleuth.io/sleuth-api"
    let parameters = [
        IntegrationParameter("org_slug", required: true, "The Sleuth organization slug."),
        IntegrationParameter("deployment_slug", required: true, "The code deployment slug."),
        IntegrationParameter("api_key", required: true, secret: true, "The organization's API key."),
        IntegrationParameter("sha", default: .string("#{deploy.commit.sha}"), "The commit deployed."),
        IntegrationParameter("environment", default: .string("#{deploy.environment}"), "The Sleuth environment slug."),
    ]
}
