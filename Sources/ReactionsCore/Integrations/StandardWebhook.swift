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
}
