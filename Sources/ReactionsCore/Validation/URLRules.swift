/// Outgoing hosts must be literal in reviewed config (DESIGN principle 3): the scheme, host
/// and port of an `http` action's URL cannot come from a template, so no payload can
/// point a request at an internal address.
enum URLRules {
    struct Authority: Equatable {
        var scheme: String
        var host: String
        var port: Int?
    }

    /// The literal authority of `url`, or a message saying what is wrong.
    static func authority(of url: Template) -> Result<Authority, Message> {
        let prefix: String
        if let first = url.parts.first, case .literal(let text) = first { prefix = text } else { prefix = "" }
        guard let schemeEnd = prefix.range(of: "://") else {
            if url.isLiteral { return .failure(Message("\"\(url.source)\" is not an absolute URL; write https://host/path")) }
            return .failure(Message("the URL must start with a literal scheme and host, such as https://api.example.com/; templates may only fill in the path, query and fragment"))
        }
        let scheme = prefix[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else {
            return .failure(Message("the URL scheme \"\(scheme)\" is not supported; use https:// (or http://)"))
        }
        let afterScheme = prefix[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" })
        if authorityEnd == nil && !url.isLiteral {
            return .failure(Message("the host of the URL must be literal: end the host with / before any #{…}"))
        }
        let authorityText = String(afterScheme[..<(authorityEnd ?? afterScheme.endIndex)])
        if authorityText.contains("@") {
            return .failure(Message("the URL carries credentials before the host; send them in a header such as \"Authorization\": \"Bearer #{secret.NAME}\""))
        }
        var host = authorityText
        var port: Int? = nil
        if let colon = authorityText.lastIndex(of: ":"), !authorityText.hasSuffix("]") {
            host = String(authorityText[..<colon])
            guard let p = Int(authorityText[authorityText.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(Message("the URL's port must be a number from 1 to 65535"))
            }
            port = p
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-[]:".contains($0)) }) else {
            return .failure(Message("the URL's host \"\(host)\" is not a valid host name"))
        }
        return .success(Authority(scheme: scheme, host: host.lowercased(), port: port))
    }

    struct Message: Error, Equatable {
        var text: String
        init(_ text: String) { self.text = text }
    }
}
