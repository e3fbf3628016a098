/// An HTTP entry point of `reactions serve`: a deploy endpoint (OpsLevel's contract) or a
/// webhook endpoint (an external trigger).
public struct Endpoint: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable { case deploy, webhook }

    public var name: String
    public var kind: Kind
    public var description: String?
    /// Deploy endpoints: the UUID in `/integrations/deploy/<id>`; nil until apply generates one.
    public var id: String?
    /// Webhook endpoints: the declared route, e.g. `/triggers/mygetpackage`.
    public var path: String?
    public var auth: WebhookAuth?
    /// Largest accepted request body; the server's default (1 MiB) when nil.
    public var maxBodyBytes: Int?
    public var location: SourceLocation

    public var address: ResourceAddress { ResourceAddress(.endpoint, name) }

    /// The path the runtime serves this endpoint at, when it is known.
    public var routePath: String? {
        switch kind {
        case .deploy: return id.map { "/integrations/deploy/\($0)" }
        case .webhook: return path
        }
    }

    /// Routes that belong to the runtime itself; webhook paths may not live under them.
    public static let reservedPathPrefixes = ["/api/", "/integrations/", "/healthz", "/readyz", "/metrics"]
}

/// How a webhook endpoint authenticates its caller. "No auth" must be written out.
public enum WebhookAuth: Sendable, Hashable {
    case none
    /// `X-Api-Key`, `Authorization: Bearer` or `?api_key=`, as the Reactions RFC asks.
    case apiKey(SecretReference)
    case hmac(HMACVerification)
}

/// A signature over the raw request body.
public struct HMACVerification: Sendable, Hashable {
    public enum Preset: String, Sendable, Hashable, CaseIterable {
        /// GitHub: `X-Hub-Signature-256: sha256=<hex>`.
        case github
        /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`.
        case standardWebhooks = "standard-webhooks"
    }

    public enum Encoding: String, Sendable, Hashable, CaseIterable { case hex, base64 }

    public var preset: Preset?
    public var header: String
    public var prefix: String
    public var encoding: Encoding
    public var secret: SecretReference

    public static func github(_ secret: SecretReference) -> HMACVerification {
        HMACVerification(preset: .github, header: "X-Hub-Signature-256", prefix: "sha256=", encoding: .hex, secret: secret)
    }

    public static func standardWebhooks(_ secret: SecretReference) -> HMACVerification {
        HMACVerification(preset: .standardWebhooks, header: "webhook-signature", prefix: "v1,", encoding: .base64, secret: secret)
    }
}
