/// A generic outgoing webhook signed with Standard Webhooks (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`) carrying the CloudEvents envelope.
struct StandardWebhook: IntegrationTemplate {
    let id = "standard-webhook"
    let summary = "POST the event as JSON to a URL, signed the Standard Webhooks way."
    let documentation = "https://www.standardwebhooks.com/"
    let parameters = [
        IntegrationParameter("url", .url, required: true, "The receiver's URL; scheme, host and port are literal."),
        IntegrationParameter("signing_secret", required: true, secret: true, "The `whsec_…` secret shared with the receiver."),
    ]

    /// The whole event, as its CloudEvents envelope, signed.
    func request(_ s: IntegrationSettings) -> RenderedRequest {
        // The attributes in the order the stored envelope has them (CloudEvent.envelope).
        let attributes = s.event("event")?.objectMembers ?? []
        let core = ["id", "source", "type", "time", "subject"]
        var members: [JSON.Member] = [.init("specversion", .string("1.0"))]
        members += attributes.filter { core.contains($0.key) }
        members.append(.init("datacontenttype", .string("application/json")))
        members += attributes.filter { !core.contains($0.key) }
        members.append(.init("data", s.event("data") ?? .null))
        return RenderedRequest(method: "POST", url: s.text("url"), headers: jsonHeaders(), body: .object(members),
                               signWith: s.secretReference("signing_secret"))
    }
}
