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
        IntegrationParameter("title", default: .string("Deploy #{deploy.service} #{deploy.deploy_number}"), "The event title."),
        IntegrationParameter("text", default: .string("#{deploy.description}"), "The event body."),
        IntegrationParameter("tags", .textList, "Extra tags such as `team:checkout`; `service:` and `env:` are added."),
        IntegrationParameter("alert_type", default: .string("info"), allowed: ["info", "success", "warning", "error"], "The event's alert type."),
    ]
}
