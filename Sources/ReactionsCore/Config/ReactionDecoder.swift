/// Decodes `reactions[…]`: the trigger, its filter, and the one action.
enum ReactionDecoder {
    static func decode(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Reaction? {
        guard ctx.object(node, p, allowed: ["name", "description", "enabled", "when", "then", "retry"], what: "a reaction") != nil,
              let name = ctx.name(node, p, kind: .reaction) else { return nil }
        var enabled = true
        if let enabledNode = node["enabled"] {
            if case .bool(let b) = enabledNode.kind { enabled = b } else {
                ctx.error("\"enabled\" must be true or false", enabledNode, p / "enabled")
            }
        }
        guard let whenNode = node["when"] else {
            ctx.error("a reaction needs \"when\": the events it reacts to", node, p)
            return nil
        }
        guard let thenNode = node["then"] else {
            ctx.error("a reaction needs \"then\": an http, script or integration action", node, p)
            return nil
        }
        let trigger = decodeTrigger(whenNode, p / "when", &ctx)
        let action = decodeAction(thenNode, p / "then", &ctx)
        let retry = node["retry"].flatMap { decodeRetry($0, p / "retry", &ctx) }
        guard let trigger, let action else { return nil }
        return Reaction(name: name, description: ctx.string(node["description"], p / "description", "\"description\""),
                        enabled: enabled, trigger: trigger, action: action, retry: retry, location: ctx.location(node, p),
                        templateUses: ctx.templateUses)
    }

    static func decodeTrigger(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Trigger? {
        guard ctx.object(node, p, allowed: ["events", "endpoint", "filter"], what: "\"when\"") != nil else { return nil }
        var events: [String] = []
        for (type, typeNode) in ctx.stringList(node["events"], p / "events", "\"events\"") ?? [] {
            if !EventType.isValidPattern(type) {
                let suggestion = Suggest.closest(to: type, among: EventType.builtIn).map { "did you mean \"\($0)\"? " } ?? ""
                ctx.error("unknown event type \"\(type)\"", typeNode, p / "events",
                          hint: suggestion + "known types: \(EventType.builtIn.joined(separator: ", ")), a family such as deploy.*, or custom.<name>")
            } else if events.contains(type) {
                ctx.error("the event type \"\(type)\" is listed twice", typeNode, p / "events")
            } else {
                events.append(type)
            }
        }
        if let eventsNode = node["events"], eventsNode.items?.isEmpty == true {
            ctx.error("\"events\" is empty; list at least one event type or remove it", eventsNode, p / "events")
        }
        let endpoint = ctx.string(node["endpoint"], p / "endpoint", "\"endpoint\"")
        if node["events"] == nil && endpoint == nil {
            ctx.error("\"when\" needs \"events\", \"endpoint\", or both", node, p,
                      hint: "for example {\"events\": [\"deploy.succeeded\"]} or {\"endpoint\": \"my-webhook\"}")
        }
        var filter = Filter()
        if let filterNode = node["filter"] {
            filter = decodeFilter(filterNode, p / "filter", &ctx)
        }
        return Trigger(events: events, endpoint: endpoint, filter: filter, location: ctx.location(node, p))
    }

    static func decodeFilter(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Filter {
        guard let members = node.members else {
            ctx.error("\"filter\" must be an object of path: condition", node, p)
            return Filter()
        }
        var clauses: [Filter.Clause] = []
        for member in members {
            let cp = p / member.key
            let location = SourceLocation(file: ctx.file, position: member.keyPosition, pointer: cp)
            if let condition = decodeCondition(member.value, cp, &ctx) {
                clauses.append(Filter.Clause(path: member.key, condition: condition, location: location))
            }
        }
        return Filter(clauses: clauses)
    }

    static func decodeCondition(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Condition? {
        switch node.kind {
        case .string, .number, .bool, .null: return .equals(node.json)
        case .array(let items):
            guard !items.isEmpty else {
                ctx.error("an empty list matches nothing; list the values to accept", node, p)
                return nil
            }
            for (i, item) in items.enumerated() where !item.json.isScalar {
                ctx.error("a list condition holds plain values, not \(item.typeDescription)", item, p / i)
            }
            return .oneOf(items.map(\.json))
        case .object(let members):
            guard members.count == 1, let op = members.first else {
                ctx.error("a condition object has exactly one operator: \(Condition.operators.joined(separator: ", "))", node, p)
                return nil
            }
            let op_p = p / op.key
            switch op.key {
            case "equals":
                guard op.value.json.isScalar else {
                    ctx.error("\"equals\" takes a plain value", op.value, op_p)
                    return nil
                }
                return .equals(op.value.json)
            case "in":
                return decodeCondition(op.value, op_p, &ctx).flatMap {
                    if case .oneOf = $0 { return $0 }
                    ctx.error("\"in\" takes a list of values", op.value, op_p)
                    return nil
                }
            case "glob":
                guard let pattern = ctx.string(op.value, op_p, "\"glob\"") else { return nil }
                do { return .glob(try Glob(pattern)) } catch {
                    ctx.error("invalid glob \"\(pattern)\": \(error.message)", op.value, op_p)
                    return nil
                }
            case "prefix":
                return ctx.string(op.value, op_p, "\"prefix\"").map(Condition.prefix)
            case "regex":
                guard let pattern = ctx.string(op.value, op_p, "\"regex\"") else { return nil }
                if let problem = RegexCheck.problem(pattern) {
                    var node = op.value
                    node.position = RegexCheck.position(of: problem.offset, in: pattern, stringAt: op.value.position)
                    ctx.error("invalid regular expression \"\(pattern)\": \(problem.message)", node, op_p)
                    return nil
                }
                return .regex(pattern)
            case "exists":
                guard case .bool(let b) = op.value.kind else {
                    ctx.error("\"exists\" takes true or false", op.value, op_p)
                    return nil
                }
                return .exists(b)
            default:
                let suggestion = Suggest.closest(to: op.key, among: Condition.operators).map { "did you mean \"\($0)\"? " } ?? ""
                ctx.error("unknown condition \"\(op.key)\"", node, op_p, hint: suggestion + "use one of: \(Condition.operators.joined(separator: ", "))")
                return nil
            }
        }
    }

    static func decodeAction(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> Action? {
        guard let members = ctx.object(node, p, allowed: ["http", "script", "integration", "overrides"], what: "\"then\"") else { return nil }
        let kinds = members.map(\.key).filter { $0 != "overrides" }
        guard kinds.count == 1, let kind = kinds.first else {
            ctx.error("\"then\" takes exactly one action: \"http\", \"script\" or \"integration\"", node, p)
            return nil
        }
        if kind != "integration", let overrides = node["overrides"] {
            ctx.error("\"overrides\" only goes with an \"integration\" action", overrides, p / "overrides")
        }
        switch kind {
        case "http": return node["http"].flatMap { HTTPActionDecoder.decode($0, p / "http", &ctx) }.map(Action.http)
        case "script": return node["script"].flatMap { decodeScript($0, p / "script", &ctx) }.map(Action.script)
        default:
            guard let name = ctx.string(node["integration"], p / "integration", "\"integration\"", required: true, parent: node) else { return nil }
            var overrides: [String: SettingValue] = [:]
            if let overridesNode = node["overrides"] {
                overrides = ConfigDocument.decodeSettings(overridesNode, p / "overrides", &ctx).0
            }
            return .integration(IntegrationAction(integration: name, overrides: overrides, location: ctx.location(node, p)))
        }
    }

    static func decodeScript(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> ScriptAction? {
        var allowed = ["path", "args", "interpreter", "timeout", "env"]
        if ctx.allowComputed { allowed.append("content_sha256") }
        guard ctx.object(node, p, allowed: allowed, what: "a script action") != nil else { return nil }
        guard let path = ctx.string(node["path"], p / "path", "the script \"path\"", required: true, parent: node) else { return nil }
        var args: [Template] = []
        if let argsNode = node["args"] {
            for (i, (text, argNode)) in (ctx.stringList(argsNode, p / "args", "\"args\"") ?? []).enumerated() {
                // A program receives C strings: a NUL would silently cut the argument short.
                if text.utf8.contains(0) {
                    ctx.error("argument \(i + 1) contains a NUL character (\\u0000), which no program can receive", argNode, p / "args" / i)
                } else if let t = ctx.template(text, argNode, p / "args" / i) {
                    args.append(t)
                }
            }
        }
        var env: [String: Template] = [:]
        if let envNode = node["env"], let members = ctx.object(envNode, p / "env", allowed: envNode.members?.map(\.key) ?? [], what: "\"env\"") {
            for member in members {
                let ep = p / "env" / member.key
                if !SecretReference.isValidName(member.key) {
                    ctx.error("\"\(member.key)\" is not a valid environment variable name", member.value, ep)
                } else if member.key.hasPrefix("REACTIONS_") {
                    ctx.error("\"\(member.key)\" is reserved: reactions sets REACTIONS_* variables itself", member.value, ep)
                } else if member.value.string?.utf8.contains(0) == true {
                    ctx.error("the variable \"\(member.key)\" contains a NUL character (\\u0000), which no environment can hold", member.value, ep)
                } else if let t = ctx.template(member.value, ep, "the variable \"\(member.key)\"") {
                    env[member.key] = t
                }
            }
        }
        let interpreter = ctx.string(node["interpreter"], p / "interpreter", "\"interpreter\"")
        if let interpreter, interpreter.isEmpty || interpreter.contains(" ") {
            ctx.error("\"interpreter\" is one program (such as /bin/bash or python3), not a command line", node["interpreter"] ?? node, p / "interpreter",
                      hint: "put extra arguments in \"args\"")
        }
        var sha: String? = nil
        if let shaNode = node["content_sha256"] { sha = ctx.string(shaNode, p / "content_sha256", "\"content_sha256\"") }
        return ScriptAction(path: path, args: args, interpreter: interpreter,
                            timeout: ctx.duration(node["timeout"], p / "timeout", "\"timeout\"", max: DurationValue(milliseconds: 3_600_000)),
                            env: env, contentSHA256: sha, location: ctx.location(node, p))
    }

    static func decodeRetry(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> RetryPolicy? {
        guard ctx.object(node, p, allowed: ["max_attempts", "initial_delay", "max_delay"], what: "\"retry\"") != nil else { return nil }
        let policy = RetryPolicy(maxAttempts: ctx.integer(node["max_attempts"], p / "max_attempts", "\"max_attempts\"", range: 1...50),
                                 initialDelay: ctx.duration(node["initial_delay"], p / "initial_delay", "\"initial_delay\""),
                                 maxDelay: ctx.duration(node["max_delay"], p / "max_delay", "\"max_delay\""))
        if let a = policy.initialDelay, let b = policy.maxDelay, a > b {
            ctx.error("\"initial_delay\" (\(a)) is longer than \"max_delay\" (\(b))", node, p)
        }
        return policy
    }
}

/// Checks a filter's regular expression at load time, so a typo (or a construct that
/// cannot be matched in linear time) fails the plan, not a delivery.
enum RegexCheck {
    static let maximumLength = 1024

    static func problem(_ pattern: String) -> RegexError? {
        guard pattern.unicodeScalars.count <= maximumLength else {
            return RegexError(message: "longer than \(maximumLength) characters", offset: maximumLength)
        }
        do {
            _ = try LinearRegex(pattern)
            return nil
        } catch {
            return error
        }
    }

    /// Where character `offset` of the pattern sits in the file, given where its JSON
    /// string starts: each scalar counts as written with JSON's shortest escape.
    static func position(of offset: Int, in pattern: String, stringAt start: SourcePosition) -> SourcePosition {
        var column = start.column + 1
        for scalar in pattern.unicodeScalars.prefix(max(0, offset)) {
            switch scalar {
            case "\\", "\"", "\n", "\r", "\t", "\u{08}", "\u{0C}": column += 2
            case "\u{00}"..."\u{1F}": column += 6
            default: column += 1
            }
        }
        return SourcePosition(line: start.line, column: column)
    }
}
