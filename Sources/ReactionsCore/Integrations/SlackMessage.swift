/// Slack incoming webhook: `POST` the JSON message to the webhook URL. The URL is the secret.
struct SlackMessage: IntegrationTemplate {
    let id = "slack-message"
    let summary = "Post a message to a Slack channel through an incoming webhook."
    let documentation = "https://api.slack.com/messaging/webhooks"
    let parameters = [
        IntegrationParameter("webhook_url", required: true, secret: true, "The incoming webhook URL (https://hooks.slack.com/services/…)."),
        IntegrationParameter("text", default: .string("#{event.service} #{deploy.deploy_number} → #{deploy.environment}: #{event.type}"), "The message text (Slack mrkdwn)."),
    ]

    func request(_ s: IntegrationSettings) -> RenderedRequest {
        RenderedRequest(method: "POST", url: s.secret("webhook_url"), headers: jsonHeaders(),
                        body: .object([.init("text", .string(s.text("text")))]))
    }
}
