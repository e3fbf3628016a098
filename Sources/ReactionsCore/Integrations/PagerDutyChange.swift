/// PagerDuty change event, Events API v2: `POST https://events.pagerduty.com/v2/change/enqueue`,
/// routing key in the body.
struct PagerDutyChange: IntegrationTemplate {
    let id = "pagerduty-change"
    let summary = "Send a change event to a PagerDuty service."
    let documentation = "https://developer.pagerduty.com/docs/events-api-v2/send-change-events/"
    let parameters = [
        IntegrationParameter("routing_key", required: true, secret: true, "The integration (routing) key of the service's Events API v2 integration."),
        IntegrationParameter("summary", default: .string("Deployed #{event.service} #{deploy.deploy_number} to #{deploy.environment}"), "A one-line summary."),
        IntegrationParameter("source", default: .string("reactions"), "Where the change came from."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var details: [JSON.Member] = []
        for key in ["type", "service", "environment"] {
            if let value = s.event("event.\(key)") { details.append(.init(key == "type" ? "event_type" : key, value)) }
        }
        if let number = s.event("deploy.deploy_number") { details.append(.init("deploy_number", number)) }
        var payload: [JSON.Member] = [.init("summary", .string(String(s.text("summary").prefix(1024)))),
                                      .init("source", .string(s.text("source")))]
        if let time = s.event("event.time") { payload.append(.init("timestamp", time)) }
        payload.append(.init("custom_details", .object(details)))
        var body: [JSON.Member] = [.init("routing_key", .string(s.secret("routing_key"))), .init("payload", .object(payload))]
        if let link = s.event("deploy.deploy_url")?.stringValue {
            body.append(.init("links", .array([.object([.init("href", .string(link)), .init("text", .string("Deploy"))])])))
        }
        return RenderedRequest(method: "POST", url: "https://events.pagerduty.com/v2/change/enqueue", headers: jsonHeaders(), body: .object(body))
    }
}
