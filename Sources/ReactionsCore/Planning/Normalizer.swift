/// Turns a loaded config into its canonical JSON form: the form revisions store, plans
/// diff and the runtime decodes again.
///
/// Canonical means: only what was declared (no defaults filled in, so a new default in a
/// later release does not show up as a change), keys sorted, durations spelled one way,
/// resources sorted by name. Two configs that mean the same thing normalize to the same bytes.
public enum Normalizer {
    public static func document(_ config: Config) -> StateDocument {
        var resources: [ResourceAddress: JSON] = [:]
        for s in config.services { resources[s.address] = service(s) }
        for e in config.endpoints { resources[e.address] = endpoint(e) }
        for t in config.templates { resources[t.address] = template(t) }
        for i in config.integrations { resources[i.address] = integration(i) }
        for r in config.reactions { resources[r.address] = reaction(r) }
        return StateDocument(resources: resources)
    }

    static func optional(_ pairs: [(String, JSON?)]) -> JSON {
        var dict: [String: JSON] = [:]
        for (key, value) in pairs { if let value { dict[key] = value } }
        return .sortedObject(dict)
    }

    static func text(_ s: String?) -> JSON? { s.map(JSON.string) }

    public static func service(_ s: Service) -> JSON {
        optional([("name", .string(s.name)), ("aliases", s.aliases.isEmpty ? nil : .array(s.aliases.map(JSON.string))),
                  ("owner", text(s.owner)), ("description", text(s.description))])
    }

    public static func endpoint(_ e: Endpoint) -> JSON {
        optional([("name", .string(e.name)), ("kind", .string(e.kind.rawValue)), ("description", text(e.description)),
                  ("id", text(e.id)), ("path", text(e.path)), ("auth", e.auth.map(auth)),
                  ("max_body_bytes", e.maxBodyBytes.map(JSON.int))])
    }

    static func auth(_ a: WebhookAuth) -> JSON {
        switch a {
        case .none: return .string("none")
        case .apiKey(let ref): return .object(["api_key": ref.json])
        case .hmac(let h):
            if let preset = h.preset {
                return .object(["hmac": .object(["preset": .string(preset.rawValue), "secret": h.secret.json])])
            }
            return .object(["hmac": optional([("header", .string(h.header)), ("prefix", h.prefix.isEmpty ? nil : .string(h.prefix)),
                                              ("encoding", .string(h.encoding.rawValue)), ("secret", h.secret.json)])])
        }
    }

    public static func template(_ t: ConfigTemplate) -> JSON {
        let parameters = t.parameters.map { p in
            optional([("name", .string(p.name)), ("type", p.kind == .text ? nil : .string(p.kind.rawValue)),
                      ("required", p.required ? .bool(true) : nil), ("secret", p.secret ? .bool(true) : nil),
                      ("default", p.defaultValue?.sortedKeys), ("allowed", p.allowed.map { .array($0.map(JSON.string)) }),
                      ("description", p.description.isEmpty ? nil : .string(p.description))])
        }
        return optional([("name", .string(t.name)), ("description", text(t.description)),
                         ("parameters", parameters.isEmpty ? nil : .array(parameters)),
                         ("request", action(.http(t.action))["http"])])
    }

    public static func integration(_ i: Integration) -> JSON {
        optional([("name", .string(i.name)), ("template", .string(i.template)),
                  ("settings", i.settings.isEmpty ? nil : settings(i.settings))])
    }

    static func settings(_ values: [String: SettingValue]) -> JSON {
        .sortedObject(values.mapValues { $0.json.sortedKeys })
    }

    public static func reaction(_ r: Reaction) -> JSON {
        let filter = r.trigger.filter.clauses.isEmpty ? nil
            : JSON.object(r.trigger.filter.clauses.sorted { $0.path < $1.path }.map { JSON.Member($0.path, $0.condition.json) })
        let when = optional([("events", r.trigger.events.isEmpty ? nil : .array(r.trigger.events.map(JSON.string))),
                             ("endpoint", text(r.trigger.endpoint)), ("filter", filter)])
        let retry = r.retry.map { p in
            optional([("max_attempts", p.maxAttempts.map(JSON.int)), ("initial_delay", p.initialDelay.map { .string($0.description) }),
                      ("max_delay", p.maxDelay.map { .string($0.description) })])
        }
        return optional([("name", .string(r.name)), ("description", text(r.description)),
                         ("enabled", r.enabled ? nil : .bool(false)), ("when", when), ("then", action(r.action)), ("retry", retry)])
    }

    static func action(_ a: Action) -> JSON {
        switch a {
        case .http(let h):
            let headers = h.headers.isEmpty ? nil
                : JSON.object(h.headers.sorted { $0.name.lowercased() < $1.name.lowercased() }.map { JSON.Member($0.name, .string($0.value.source)) })
            return .object(["http": optional([
                ("method", .string(h.method)), ("url", .string(h.url.source)), ("headers", headers),
                ("body", h.body.map { $0.source }), ("timeout", h.timeout.map { .string($0.description) }),
                ("expect", h.expect.map { .array($0.map(JSON.int)) }), ("sign", h.sign?.json),
            ])])
        case .script(let s):
            return .object(["script": optional([
                ("path", .string(s.path)), ("args", s.args.isEmpty ? nil : .array(s.args.map { .string($0.source) })),
                ("interpreter", text(s.interpreter)), ("timeout", s.timeout.map { .string($0.description) }),
                ("env", s.env.isEmpty ? nil : .sortedObject(s.env.mapValues { .string($0.source) })),
                ("content_sha256", text(s.contentSHA256)),
            ])])
        case .integration(let i):
            var members = [JSON.Member("integration", .string(i.integration))]
            if !i.overrides.isEmpty { members.append(JSON.Member("overrides", settings(i.overrides))) }
            return .object(members)
        }
    }
}
