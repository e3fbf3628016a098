/// Honeycomb marker: `POST /1/markers/{dataset}` with `X-Honeycomb-Team`.
struct HoneycombMarker: IntegrationTemplate {
    let id = "honeycomb-marker"
    let summary = "Create a marker on a Honeycomb dataset."
    let documentation = "https://docs.honeycomb.io/api/tag/Markers"
    let parameters = [
        IntegrationParameter("dataset", required: true, "The dataset slug, or `__all__` for an environment-wide marker."),
        IntegrationParameter("api_key", required: true, secret: true, "A Honeycomb configuration API key."),
        IntegrationParameter("api_url", .url, default: .string("https://api.honeycomb.io"), "The API host (`https://api.eu1.honeycomb.io` in the EU)."),
        IntegrationParameter("message", default: .string("#{event.service} #{deploy.deploy_number}"), "The marker's message."),
        IntegrationParameter("type", default: .string("deploy"), "The marker type."),
        IntegrationParameter("url", "A link shown on the marker, e.g. `#{deploy.deploy_url}`."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        var body: [JSON.Member] = [.init("message", .string(s.text("message"))), .init("type", .string(s.text("type")))]
        if let url = s.optionalText("url") { body.append(.init("url", .string(url))) }
        return RenderedRequest(method: "POST", url: "\(s.baseURL("api_url"))/1/markers/\(s.pathSegment("dataset"))",
                               headers: jsonHeaders(("X-Honeycomb-Team", s.secret("api_key"))), body: .object(body))
    }
}
