/// PagerDuty change event, Events API v2: `POST https://events.pagerduty.com/v2/change/enqueue`,
/// routing key in the body.
struct PagerDutyChange: IntegrationTemplate {
    let id = "pagerduty-change"
    let summary = "Send a change event to a PagerDuty service."
    let documentation = "https://developer.pagerduty.com/docs/events-api-v2/send-change-events/"
    let parameters = [
        IntegrationParameter("routing_key", required: true, secret: true, "The integration (routing) key of the service's Events API v2 integration."),
        IntegrationParameter("summary", default: .string("Deployed #{deploy.service} #{deploy.deploy_number} to #{deploy.environment}"), "A one-line summary."),
        IntegrationParameter("source", default: .string("reactions"), "Where the change came from."),
    ]
}
