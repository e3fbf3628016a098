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
}
