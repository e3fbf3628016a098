/// The resources one config file declares.
public struct ConfigDocument: Sendable {
    public var file: String
    public var version: Int?
    public var services: [Service] = []
    public var endpoints: [Endpoint] = []
    public var templates: [ConfigTemplate] = []
    public var integrations: [Integration] = []
    public var reactions: [Reaction] = []

    /// The config version this build of `reactions` reads and writes.
    public static let currentVersion = 1
    static let topLevelKeys = ["$schema", "version", "services", "endpoints", "templates", "integrations", "reactions"]

    /// Decodes a parsed document, collecting every problem instead of stopping at the first.
    /// `allowComputed` accepts attributes that only state documents carry.
    public static func decode(_ root: JSONNode, file: String, allowComputed: Bool = false) -> (ConfigDocument, [Diagnostic]) {
        var context = DecodingContext(file: file, allowComputed: allowComputed)
        var document = ConfigDocument(file: file)
        let pointer = JSONPointer.root
        guard let _ = context.object(root, pointer, allowed: topLevelKeys, what: "a config document") else {
            return (document, context.diagnostics)
        }
        guard let versionNode = root["version"] else {
            context.error("\"version\" is missing", root, pointer,
                          hint: "add \"version\": \(currentVersion) at the top of the document")
            return (document, context.diagnostics)
        }
        guard case .number(let n) = versionNode.kind, let version = n.intValue else {
            context.error("\"version\" must be a whole number such as \(currentVersion), not \(versionNode.typeDescription)", versionNode, pointer / "version")
            return (document, context.diagnostics)
        }
        document.version = version
        guard version == currentVersion else {
            context.error(ConfigMigrations.unsupportedVersionMessage(version), versionNode, pointer / "version",
                          hint: version < currentVersion ? "run `reactions migrate` to rewrite the file as version \(currentVersion)"
                                                         : "upgrade reactions, or write the file as version \(currentVersion)")
            return (document, context.diagnostics)
        }
        func each(_ kind: ResourceKind, _ body: (inout DecodingContext, JSONNode, JSONPointer) -> Void) {
            guard let list = root[kind.collectionKey] else { return }
            let listPointer = pointer / kind.collectionKey
            guard let items = list.items else {
                context.error("\"\(kind.collectionKey)\" must be a list, not \(list.typeDescription)", list, listPointer)
                return
            }
            for (i, item) in items.enumerated() {
                context.resource = nil
                body(&context, item, listPointer / i)
            }
            context.resource = nil
        }
        each(.service) { ctx, node, p in if let s = decodeService(node, p, &ctx) { document.services.append(s) } }
        each(.endpoint) { ctx, node, p in if let e = decodeEndpoint(node, p, &ctx) { document.endpoints.append(e) } }
        each(.template) { ctx, node, p in if let t = TemplateDecoder.decode(node, p, &ctx) { document.templates.append(t) } }
        each(.integration) { ctx, node, p in if let i = decodeIntegration(node, p, &ctx) { document.integrations.append(i) } }
        each(.reaction) { ctx, node, p in if let r = ReactionDecoder.decode(node, p, &ctx) { document.reactions.append(r) } }
        return (document, context.diagnostics)
    }

    static func decodeService(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Service? {
        guard ctx.object(node, p, allowed: ["name", "aliases", "owner", "description"], what: "a service") != nil,
              let name = ctx.name(node, p, kind: .service) else { return nil }
        var aliases: [String] = []
        for (alias, aliasNode) in ctx.stringList(node["aliases"], p / "aliases", "\"aliases\"") ?? [] {
            if alias.isEmpty || alias.count > 255 || alias.contains(where: { $0.isNewline }) {
                ctx.error("the alias \"\(alias)\" must be 1–255 characters on one line", aliasNode, p / "aliases")
            } else if aliases.contains(alias) || alias == name {
                ctx.error("the alias \"\(alias)\" is listed twice for this service", aliasNode, p / "aliases", hint: "remove the repeated alias")
            } else {
                aliases.append(alias)
            }
        }
        return Service(name: name, aliases: aliases,
                       owner: ctx.string(node["owner"], p / "owner", "\"owner\""),
                       description: ctx.string(node["description"], p / "description", "\"description\""),
                       location: ctx.location(node, p))
    }

    static func decodeEndpoint(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Endpoint? {
        guard ctx.object(node, p, allowed: ["name", "kind", "description", "id", "path", "auth", "max_body_bytes"], what: "an endpoint") != nil,
              let name = ctx.name(node, p, kind: .endpoint) else { return nil }
        guard let kindText = ctx.string(node["kind"], p / "kind", "\"kind\"", required: true, parent: node) else { return nil }
        guard let kind = Endpoint.Kind(rawValue: kindText) else {
            ctx.error("unknown endpoint kind \"\(kindText)\"", node["kind"] ?? node, p / "kind", hint: "use \"deploy\" (OpsLevel deploy tracking) or \"webhook\" (an external trigger)")
            return nil
        }
        var endpoint = Endpoint(name: name, kind: kind,
                                description: ctx.string(node["description"], p / "description", "\"description\""),
                                maxBodyBytes: ctx.integer(node["max_body_bytes"], p / "max_body_bytes", "\"max_body_bytes\"", range: 1...(64 << 20)),
                                location: ctx.location(node, p))
        switch kind {
        case .deploy:
            for key in ["path", "auth"] where node[key] != nil {
                ctx.error("a deploy endpoint has no \"\(key)\"", node[key] ?? node, p / key,
                          hint: "deploy endpoints are served at /integrations/deploy/<id>; the unguessable id is the credential, as with OpsLevel")
            }
            if let idNode = node["id"], let id = ctx.string(idNode, p / "id", "\"id\"") {
                if let canonical = UUIDText.canonical(id) {
                    endpoint.id = canonical
                } else {
                    ctx.error("\"id\" must be a UUID such as 6f1c3b0e-6a43-4a55-9b7e-0d7b1f3c2a10", idNode, p / "id",
                              hint: "omit \"id\" and apply generates one that stays stable")
                }
            }
        case .webhook:
            if let idNode = node["id"] {
                ctx.error("a webhook endpoint has no \"id\"; it is served at its \"path\"", idNode, p / "id")
            }
            endpoint.path = ctx.string(node["path"], p / "path", "\"path\"", required: true, parent: node)
            if let path = endpoint.path, let problem = WebhookPath.problem(path) {
                ctx.error(problem, node["path"] ?? node, p / "path")
            }
            guard let authNode = node["auth"] else {
                ctx.error("a webhook endpoint needs \"auth\"", node, p,
                          hint: "use {\"api_key\": {\"secret\": \"NAME\"}}, an \"hmac\" signature, or write \"auth\": \"none\" to accept anyone")
                return endpoint
            }
            endpoint.auth = decodeAuth(authNode, p / "auth", &ctx)
        }
        return endpoint
    }

    static func decodeAuth(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> WebhookAuth? {
        if let text = node.string {
            guard text == "none" else {
                ctx.error("\"auth\" must be \"none\" or an object", node, p, hint: "use {\"api_key\": {\"secret\": \"NAME\"}} or {\"hmac\": {…}}")
                return nil
            }
            return WebhookAuth.none
        }
        guard let members = ctx.object(node, p, allowed: ["api_key", "hmac"], what: "\"auth\"") else { return nil }
        guard members.count == 1 else {
            ctx.error("\"auth\" takes exactly one of \"api_key\" or \"hmac\"", node, p)
            return nil
        }
        if let keyNode = node["api_key"] {
            return ctx.secretReference(keyNode, p / "api_key", "\"api_key\"").map(WebhookAuth.apiKey)
        }
        guard let hmacNode = node["hmac"] else { return nil }
        let hp = p / "hmac"
        guard ctx.object(hmacNode, hp, allowed: ["preset", "header", "prefix", "encoding", "secret"], what: "\"hmac\"") != nil else { return nil }
        guard let secretNode = hmacNode["secret"] else {
            ctx.error("\"hmac\" needs \"secret\": {\"secret\": \"NAME\"}", hmacNode, hp)
            return nil
        }
        guard let secret = ctx.secretReference(secretNode, hp / "secret", "the HMAC secret") else { return nil }
        if let presetText = ctx.string(hmacNode["preset"], hp / "preset", "\"preset\"") {
            guard let preset = HMACVerification.Preset(rawValue: presetText) else {
                ctx.error("unknown HMAC preset \"\(presetText)\"", hmacNode["preset"] ?? hmacNode, hp / "preset",
                          hint: "use \"github\" or \"standard-webhooks\", or describe the signature with header, prefix and encoding")
                return nil
            }
            for key in ["header", "prefix", "encoding"] where hmacNode[key] != nil {
                ctx.error("\"\(key)\" cannot be combined with a preset; the preset defines it", hmacNode[key] ?? hmacNode, hp / key)
            }
            return .hmac(preset == .github ? .github(secret) : .standardWebhooks(secret))
        }
        guard let header = ctx.string(hmacNode["header"], hp / "header", "\"header\"", required: true, parent: hmacNode) else {
            return nil
        }
        if !HTTPToken.isValidFieldName(header) {
            ctx.error("\"\(header)\" is not a valid header name", hmacNode["header"] ?? hmacNode, hp / "header")
        }
        guard let encodingText = ctx.string(hmacNode["encoding"], hp / "encoding", "\"encoding\"", required: true, parent: hmacNode) else {
            return nil
        }
        guard let encoding = HMACVerification.Encoding(rawValue: encodingText) else {
            ctx.error("\"encoding\" must be \"hex\" or \"base64\"", hmacNode["encoding"] ?? hmacNode, hp / "encoding")
            return nil
        }
        let prefix = ctx.string(hmacNode["prefix"], hp / "prefix", "\"prefix\"") ?? ""
        return .hmac(HMACVerification(preset: nil, header: header, prefix: prefix, encoding: encoding, secret: secret))
    }

    static func decodeIntegration(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Integration? {
        guard ctx.object(node, p, allowed: ["name", "template", "settings"], what: "an integration") != nil,
              let name = ctx.name(node, p, kind: .integration) else { return nil }
        guard let template = ctx.string(node["template"], p / "template", "\"template\"", required: true, parent: node) else { return nil }
        var integration = Integration(name: name, template: template, settings: [:], location: ctx.location(node, p), settingLocations: [:])
        if let settingsNode = node["settings"] {
            (integration.settings, integration.settingLocations) = decodeSettings(settingsNode, p / "settings", &ctx)
        }
        return integration
    }

    /// Settings are literals (checked against the template later) or secret references.
    static func decodeSettings(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> ([String: SettingValue], [String: SourceLocation]) {
        guard let members = node.members else {
            ctx.error("\"settings\" must be an object, not \(node.typeDescription)", node, p)
            return ([:], [:])
        }
        var settings: [String: SettingValue] = [:]
        var locations: [String: SourceLocation] = [:]
        for member in members {
            locations[member.key] = ctx.location(member.value, p / member.key)
            if member.value.members != nil {
                if let ref = ctx.secretReference(member.value, p / member.key, "the setting \"\(member.key)\"") {
                    settings[member.key] = .secret(ref)
                }
            } else {
                settings[member.key] = .literal(member.value.json)
            }
        }
        return (settings, locations)
    }
}
