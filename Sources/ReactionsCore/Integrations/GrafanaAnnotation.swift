/// Grafana annotation: `POST <base_url>/api/annotations`, Bearer service-account token.
struct GrafanaAnnotation: IntegrationTemplate {
    let id = "grafana-annotation"
    let summary = "Add an annotation to Grafana (organisation-wide or on one dashboard)."
    let documentation = "https://grafana.com/docs/grafana/latest/developers/http_api/annotations/"
    let parameters = [
        IntegrationParameter("base_url", .url, required: true, "The Grafana server, e.g. `https://grafana.example.com`."),
        IntegrationParameter("api_token", required: true, secret: true, "A service-account token with annotation write access."),
        IntegrationParameter("text", default: .string("#{deploy.service} #{deploy.deploy_number}: #{deploy.description}"), "The annotation text."),
        IntegrationParameter("tags", .textList, "Tags; `deploy`, the service and the environment are added."),
        IntegrationParameter("dashboard_uid", "Limit the annotation to one dashboard."),
    ]
}
