/// Datadog event, API v1: `POST https://api.<site>/api/v1/events` with `DD-API-KEY`.
struct DatadogEvent: IntegrationTemplate {
    let id = "datadog-event"
    let summary = "Post an event to the Datadog event stream."
    let documentation = "https://docs.datadoghq.com/api/latest/events/#post-an-event"
    let parameters = [
        IntegrationParameter("api_key", required: true, secret: true, "A Datadog API key."),
        IntegrationParameter("site", default: .string("datadoghq.com"),
                             allowed: ["datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ddog-gov.com"],
                             "The Datadog site of the account."),
        IntegrationParameter("title", default: .string("Deploy #{event.service} #{deploy.deploy_number}"), "The event title."),
        IntegrationParameter("text", default: .string("#{deploy.description}"), "The event body."),
        IntegrationParameter("tags", .textList, "Extra tags such as `team:checkout`; `service:` and `env:` are added."),
        IntegrationParameter("alert_type", default: .string("info"), allowed: ["info", "success", "warning", "error"], "The event's alert type."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var tags: [String] = []
        if let service = s.event("event.service")?.stringValue { tags.append("service:\(service)") }
        if let environment = s.event("event.environment")?.stringValue { tags.append("env:\(environment)") }
        tags += s.list("tags")
        return RenderedRequest(method: "POST", url: "https://api.\(s.text("site"))/api/v1/events",
                               headers: jsonHeaders(("DD-API-KEY", s.secret("api_key"))),
                               body: .object([.init("title", .string(s.text("title"))), .init("text", .string(s.text("text"))),
                                              .init("tags", .array(tags.map(JSON.string))), .init("alert_type", .string(s.text("alert_type")))]))
    }
}
