/// Decodes `then.http`.
enum HTTPActionDecoder {
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    static func decode(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> HTTPAction? {
        guard ctx.object(node, p, allowed: ["method", "url", "headers", "body", "timeout", "expect", "sign"], what: "an http action") != nil else { return nil }
        guard let url = ctx.template(node["url"] ?? nil, p / "url", "\"url\"") else {
            if node["url"] == nil { ctx.error("an http action needs a \"url\"", node, p) }
            return nil
        }
        var method = "POST"
        if let m = ctx.string(node["method"], p / "method", "\"method\"") {
            if methods.contains(m.uppercased()) { method = m.uppercased() } else {
                ctx.error("unknown HTTP method \"\(m)\"", node["method"] ?? node, p / "method", hint: "use one of \(methods.joined(separator: ", "))")
            }
        }
        var headers: [HTTPAction.Header] = []
        if let headersNode = node["headers"] {
            if let members = headersNode.members {
                for member in members {
                    let hp = p / "headers" / member.key
                    if !HTTPToken.isValidFieldName(member.key) {
                        ctx.error("\"\(member.key)\" is not a valid header name", member.value, hp)
                    } else if headers.contains(where: { $0.name.lowercased() == member.key.lowercased() }) {
                        ctx.error("the header \"\(member.key)\" is set twice (header names ignore case)", member.value, hp)
                    } else if ["host", "content-length", "transfer-encoding", "connection", "webhook-id", "webhook-timestamp", "webhook-signature"].contains(member.key.lowercased()) {
                        ctx.error("the header \"\(member.key)\" is set by reactions and cannot be overridden", member.value, hp)
                    } else if let value = ctx.template(member.value, hp, "the header \"\(member.key)\"") {
                        if value.source.contains(where: { $0 == "\r" || $0 == "\n" }) {
                            ctx.error("a header value cannot contain a line break", member.value, hp)
                        }
                        headers.append(HTTPAction.Header(name: member.key, value: value, location: ctx.location(member.value, hp)))
                    }
                }
            } else {
                ctx.error("\"headers\" must be an object of name: value", headersNode, p / "headers")
            }
        }
        let body = node["body"].map { templatedJSON($0, p / "body", &ctx) }
        var expect: [Int]? = nil
        if let expectNode = node["expect"] {
            if let items = expectNode.items, !items.isEmpty {
                expect = items.enumerated().compactMap { i, item in
                    ctx.integer(item, p / "expect" / i, "an expected status", range: 100...599)
                }
            } else {
                ctx.error("\"expect\" must be a non-empty list of HTTP statuses, such as [200, 201, 202]", expectNode, p / "expect")
            }
        }
        let sign = node["sign"].flatMap { ctx.secretReference($0, p / "sign", "\"sign\"") }
        return HTTPAction(method: method, url: url, headers: headers, body: body,
                          timeout: ctx.duration(node["timeout"], p / "timeout", "\"timeout\"", max: DurationValue(milliseconds: 300_000)),
                          expect: expect, sign: sign, location: ctx.location(node, p))
    }

    static func templatedJSON(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> TemplatedJSON {
        switch node.kind {
        case .string(let s):
            guard let t = ctx.template(s, node, p) else { return .scalar(.string(s)) }
            return .template(t, ctx.location(node, p))
        case .array(let items):
            return .array(items.enumerated().map { templatedJSON($1, p / $0, &ctx) })
        case .object(let members):
            return .object(members.map { (key: $0.key, value: templatedJSON($0.value, p / $0.key, &ctx)) })
        default:
            return .scalar(node.json)
        }
    }
}
