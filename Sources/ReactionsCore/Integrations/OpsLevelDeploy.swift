/// OpsLevel deploy forward: the same contract `reactions` serves, sent onwards.
struct OpsLevelDeploy: IntegrationTemplate {
    let id = "opslevel-deploy"
    let summary = "Forward the deploy to an OpsLevel deploy integration (or another `reactions`)."
    let documentation = "https://docs.opslevel.com/docs/deploys"
    let parameters = [
        IntegrationParameter("integration_url", required: true, secret: true, "The deploy webhook URL (…/integrations/deploy/<uuid>); the UUID is a credential."),
    ]

    /// The fields of OpsLevel's deploy contract (seed 001), forwarded as received.
    static let forwarded = ["service", "deployer", "deployed_at", "description", "environment", "deploy_url", "deploy_number", "commit", "dedup_id"]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var body: [JSON.Member] = []
        for key in Self.forwarded {
            if let value = s.event("deploy.\(key)") { body.append(.init(key, value)) }
        }
        // Without a dedup_id of its own, the event's id makes retries idempotent at OpsLevel.
        if !body.contains(where: { $0.key == "dedup_id" }), let id = s.event("event.id") { body.append(.init("dedup_id", id)) }
        return RenderedRequest(method: "POST", url: s.secret("integration_url"), headers: jsonHeaders(), body: .object(body))
    }
}
