/// Rules for a webhook endpoint's declared path.
enum WebhookPath {
    static func problem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "the path \"\(path)\" must start with /" }
        guard path.count > 1 else { return "the path must not be \"/\"; choose something like /triggers/<name>" }
        guard path.count <= 512 else { return "the path is longer than 512 characters" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")
        if let bad = path.first(where: { !allowed.contains($0) }) {
            return "the path contains \"\(bad)\"; use letters, digits and - . _ ~ / (query strings are not part of a path)"
        }
        if path.contains("//") { return "the path contains an empty segment (//)" }
        if path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) { return "the path contains a . or .. segment" }
        if path.count > 1, path.hasSuffix("/") { return "the path must not end with /" }
        for reserved in Endpoint.reservedPathPrefixes {
            let bare = reserved.hasSuffix("/") ? String(reserved.dropLast()) : reserved
            if path == bare || path.hasPrefix(bare + "/") || path.hasPrefix(reserved) {
                return "the path \"\(path)\" is under \(bare), which reactions reserves for its own routes; choose another, such as /triggers/<name>"
            }
        }
        return nil
    }
}

/// RFC 9110 tokens, for header names written in config.
enum HTTPToken {
    static func isValidFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }
}

/// UUIDs in the 8-4-4-4-12 form, canonicalised to lowercase.
public enum UUIDText {
    public static func canonical(_ text: String) -> String? {
        let lower = text.lowercased()
        let groups = lower.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12],
              groups.allSatisfy({ $0.allSatisfy { $0.isHexDigit } }) else { return nil }
        return lower
    }
}
