/// Grafana annotation: `POST <base_url>/api/annotations`, Bearer service-account token.
struct GrafanaAnnotation: IntegrationTemplate {
    let id = "grafana-annotation"
    let summary = "Add an annotation to Grafana (organisation-wide or on one dashboard)."
    let documentation = "https://grafana.com/docs/grafana/latest/developers/http_api/annotations/"
    let parameters = [
        IntegrationParameter("base_url", .url, required: true, "The Grafana server, e.g. `https://grafana.example.com`."),
        IntegrationParameter("api_token", required: true, secret: true, "A service-account token with annotation write access."),
        IntegrationParameter("text", default: .string("#{event.service} #{deploy.deploy_number}: #{deploy.description}"), "The annotation text."),
        IntegrationParameter("tags", .textList, "Tags; `deploy`, the service and the environment are added."),
        IntegrationParameter("dashboard_uid", "Limit the annotation to one dashboard."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var tags = ["deploy"]
        if let service = s.event("event.service")?.stringValue { tags.append(service) }
        if let environment = s.event("event.environment")?.stringValue { tags.append(environment) }
        tags += s.list("tags")
        var body: [JSON.Member] = [.init("text", .string(s.text("text"))), .init("tags", .array(tags.map(JSON.string)))]
        if let dashboard = s.optionalText("dashboard_uid") { body.append(.init("dashboardUID", .string(dashboard))) }
        return RenderedRequest(method: "POST", url: "\(s.baseURL("base_url"))/api/annotations",
                               headers: jsonHeaders(("Authorization", "Bearer \(s.secret("api_token"))")), body: .object(body))
    }
}
