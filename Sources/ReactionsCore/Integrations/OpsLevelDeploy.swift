/// OpsLevel deploy forward: the same contract `reactions` serves, sent onwards.
struct OpsLevelDeploy: IntegrationTemplate {
    let id = "opslevel-deploy"
    let summary = "Forward the deploy to an OpsLevel deploy integration (or another `reactions`)."
    let documentation = "https://docs.opslevel.com/docs/deploys"
    let parameters = [
        IntegrationParameter("integration_url", required: true, secret: true, "The deploy webhook URL (…/integrations/deploy/<uuid>); the UUID is a credential."),
    ]
}
