/// Spots literals that look like credentials, so a token pasted into a header is flagged
/// in review instead of living in git, state and every plan. The messages never repeat
/// the value.
enum CredentialHeuristics {
    static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token",
        "private-token", "dd-api-key", "dd-application-key", "x-honeycomb-team", "cookie", "x-apikey", "x-vault-token",
    ]

    static let tokenPrefixes = [
        "sk_live_", "sk_test_", "rk_live_", "xoxb-", "xoxp-", "xoxa-", "ghp_", "gho_", "ghs_", "github_pat_", "glpat-",
        "AKIA", "NRAK-", "NRII-", "whsec_", "hooks.slack.com/services/", "eyJ",
    ]

    /// Whether a header's literal text looks like a credential.
    static func headerLooksSensitive(name: String, value: Template) -> Bool {
        let literal = literalText(of: value)
        let lower = name.lowercased()
        var remainder = literal.trimmingCharacters(in: .whitespaces)
        for scheme in ["Bearer", "Basic", "Token", "token", "bearer", "basic", "ApiKey", "GenieKey"] where remainder.hasPrefix(scheme + " ") || remainder == scheme {
            remainder = String(remainder.dropFirst(scheme.count)).trimmingCharacters(in: .whitespaces)
        }
        let sensitiveName = sensitiveHeaders.contains(lower)
            || ["token", "secret", "password", "api-key", "apikey", "auth"].contains(where: lower.contains)
        if sensitiveName && remainder.count >= 6 { return true }
        return textLooksLikeToken(literal)
    }

    static func textLooksLikeToken(_ text: String) -> Bool {
        if tokenPrefixes.contains(where: text.contains) { return true }
        // A long unbroken run of token characters with letters and digits mixed: a key, not prose.
        var run = 0, letters = 0, digits = 0
        for c in text {
            if c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-") {
                run += 1
                if c.isLetter { letters += 1 }
                if c.isNumber { digits += 1 }
                if run >= 32 && letters >= 8 && digits >= 6 { return true }
            } else {
                run = 0; letters = 0; digits = 0
            }
        }
        return false
    }

    /// Query parameters whose literal values look like credentials: `?api_key=abc123…`.
    static func sensitiveQueryParameter(in url: Template) -> String? {
        let literal = literalText(of: url)
        guard let q = literal.firstIndex(of: "?") else { return nil }
        for pair in literal[literal.index(after: q)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].lowercased()
            if ["key", "token", "secret", "password", "auth", "signature", "sig"].contains(where: key.contains), parts[1].count >= 6 {
                return String(parts[0])
            }
        }
        return nil
    }

    /// The template's text with every `#{…}` removed.
    static func literalText(of template: Template) -> String {
        template.parts.map { if case .literal(let s) = $0 { return s } else { return "" } }.joined()
    }
}

import Foundation
