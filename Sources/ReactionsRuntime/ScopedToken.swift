import ReactionsCore

/// The short-lived credential a script gets as `REACTIONS_API_TOKEN` (DESIGN §4).
///
/// It is not the admin token and cannot become one: it is signed with a key this `serve`
/// process draws at start-up and never writes anywhere, it allows what DESIGN §4 gives a
/// script (emitting `custom.*` events and recording deploys) and nothing else, and it
/// expires shortly after the script's own timeout. It carries the event that ran the
/// script, so what the script emits or records keeps its cause and its chain depth, which
/// is what stops two reactions from feeding each other forever.
struct ScopedToken: Sendable {
    struct Claims: Sendable, Equatable {
        static let emitScope = "events:emit"
        static let recordDeploysScope = "deploys:record"
        /// What a script's token allows.
        static let scriptScopes = emitScope + " " + recordDeploysScope
        /// Space-separated, as in OAuth 2.0.
        var scope: String
        /// Seconds since the epoch.
        var expires: Int64
        /// The event whose delivery ran the script.
        var causation: String
        /// That event's chain depth.
        var depth: Int
        var reaction: String

        func allows(_ wanted: String) -> Bool {
            scope.split(separator: " ").contains { $0 == wanted }
        }
    }

    private let key: [UInt8]
    static let prefix = "rxn1."

    init(key: [UInt8]? = nil) {
        if let key {
            self.key = key
        } else {
            var random = SystemRandomNumberGenerator()
            self.key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        }
    }

    func mint(_ claims: Claims) -> String {
        let payload = JSON.object([
            .init("scope", .string(claims.scope)), .init("exp", .int(Int(claims.expires))), .init("causation", .string(claims.causation)),
            .init("depth", .int(claims.depth)), .init("reaction", .string(claims.reaction)),
        ]).compactText
        let body = Self.prefix + Self.base64URL(Array(payload.utf8))
        return body + "." + Self.base64URL(HMACSHA256.authenticationCode(key: key, message: Array(body.utf8)))
    }

    /// The claims of a token this process minted, unexpired; nil for anything else.
    func verify(_ token: String, now: Int64) -> Claims? {
        guard token.hasPrefix(Self.prefix), let dot = token.lastIndex(of: ".") else { return nil }
        let body = String(token[..<dot])
        guard let mac = Self.decodeBase64URL(String(token[token.index(after: dot)...])),
              HMACSHA256.verify(mac, key: key, message: Array(body.utf8)),
              let payload = Self.decodeBase64URL(String(body.dropFirst(Self.prefix.count))),
              let json = try? JSONParser.value(payload),
              let scope = json["scope"]?.stringValue, let expires = json["exp"]?.intValue, let causation = json["causation"]?.stringValue,
              let depth = json["depth"]?.intValue, let reaction = json["reaction"]?.stringValue,
              Int64(expires) > now else { return nil }
        return Claims(scope: scope, expires: Int64(expires), causation: causation, depth: depth, reaction: reaction)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        String(Base64.encode(bytes).compactMap { c -> Character? in
            switch c {
            case "+": return "-"
            case "/": return "_"
            case "=": return nil
            default: return c
            }
        })
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.count % 4 != 0 { standard += "=" }
        return Base64.decode(standard)
    }
}
