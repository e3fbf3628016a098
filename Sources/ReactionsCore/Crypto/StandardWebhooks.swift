/// Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
/// base64 part of a `whsec_…` secret. The official libraries verify what `sign` produces.
public struct StandardWebhooks: Sendable {
    public enum Failure: Error, Sendable, Equatable {
        case invalidSecret
        case missingHeaders
        case timestampOutOfWindow
        case noMatchingSignature
    }

    /// How far a timestamp may be from now, either way (the spec's reference value).
    public static let toleranceSeconds: Int64 = 5 * 60

    let key: [UInt8]

    /// `secret` is `whsec_<base64>`; the prefix is optional, as in the reference libraries.
    public init(secret: String) throws(Failure) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let key = Base64.decode(encoded), !key.isEmpty else { throw .invalidSecret }
        self.key = key
    }

    /// The `webhook-signature` value for a message.
    public func sign(id: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1," + Base64.encode(HMACSHA256.authenticationCode(key: key, message: Array("\(id).\(timestamp).".utf8) + body))
    }

    /// Verifies a received message; `signatures` is the header value, which may list several
    /// space-separated signatures (during secret rotation). Any `v1` one matching is enough.
    public func verify(id: String?, timestamp: String?, signatures: String?, body: [UInt8], now: Int64) throws(Failure) {
        guard let id, !id.isEmpty, let timestamp, let signatures else { throw .missingHeaders }
        guard let seconds = Int64(timestamp), abs(now - seconds) <= Self.toleranceSeconds else { throw .timestampOutOfWindow }
        let expected = HMACSHA256.authenticationCode(key: key, message: Array("\(id).\(seconds).".utf8) + body)
        var matched = false
        for candidate in signatures.split(separator: " ") {
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let decoded = Base64.decode(String(parts[1])) else { continue }
            // Check every candidate (no early exit), so timing does not tell which one matched.
            if ConstantTimeCompare.equals(decoded, expected) { matched = true }
        }
        guard matched else { throw .noMatchingSignature }
    }
}

/// GitHub's `X-Hub-Signature-256: sha256=<hex>` and other single hex/base64 signatures.
public enum HeaderSignature {
    public static func verify(header: String?, prefix: String, encoding: HMACVerification.Encoding, secret: [UInt8], body: [UInt8]) -> Bool {
        guard let header, header.hasPrefix(prefix) else { return false }
        let encoded = String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        let presented: [UInt8]?
        switch encoding {
        case .hex: presented = Hex.decode(encoded)
        case .base64: presented = Base64.decode(encoded)
        }
        guard let presented else { return false }
        return HMACSHA256.verify(presented, key: secret, message: body)
    }
}
