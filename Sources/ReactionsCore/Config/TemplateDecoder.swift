/// `"templates": [{"name", "description", "parameters": […], "request": {…http…}}]`: a
/// team's own integration template, in the catalog's format.
enum TemplateDecoder {
    static func decode(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> ConfigTemplate? {
        guard ctx.object(node, p, allowed: ["name", "description", "parameters", "request"], what: "a template") != nil,
              let name = ctx.name(node, p, kind: .template) else { return nil }
        var parameters: [IntegrationParameter] = []
        if let list = node["parameters"] {
            if let items = list.items {
                for (i, item) in items.enumerated() {
                    if let parameter = decodeParameter(item, p / "parameters" / i, &ctx) {
                        if parameters.contains(where: { $0.name == parameter.name }) {
                            ctx.error("the parameter \"\(parameter.name)\" is declared twice", item, p / "parameters" / i)
                        } else {
                            parameters.append(parameter)
                        }
                    }
                }
            } else {
                ctx.error("\"parameters\" must be a list, not \(list.typeDescription)", list, p / "parameters")
            }
        }
        guard let requestNode = node["request"] else {
            ctx.error("a template needs a \"request\": the http request it sends, as an `http` action is written", node, p)
            return nil
        }
        guard let action = HTTPActionDecoder.decode(requestNode, p / "request", &ctx) else { return nil }
        return ConfigTemplate(name: name, description: ctx.string(node["description"], p / "description", "\"description\""),
                              parameters: parameters, action: action, location: ctx.location(node, p))
    }

    /// Parameter names are what `#{settings.NAME}` reads: lowercase, digits, underscores.
    static func isValidParameterName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func decodeParameter(_ node: JSONNode, _ p: JSONPointer, _ ctx: inout DecodingContext) -> IntegrationParameter? {
        guard ctx.object(node, p, allowed: ["name", "type", "required", "secret", "default", "allowed", "description"], what: "a parameter") != nil,
              let name = ctx.string(node["name"], p / "name", "\"name\"", required: true, parent: node) else { return nil }
        guard isValidParameterName(name) else {
            ctx.error("\"\(name)\" is not a valid parameter name", node["name"] ?? node, p / "name",
                      hint: "use lowercase letters, digits and '_', starting with a letter: templates read it as #{settings.\(name)}")
            return nil
        }
        var kind = IntegrationParameter.Kind.text
        if let text = ctx.string(node["type"], p / "type", "\"type\"") {
            guard let k = IntegrationParameter.Kind(rawValue: text) else {
                ctx.error("unknown parameter type \"\(text)\"", node["type"] ?? node, p / "type", hint: "use text, url, integer, boolean or text-list")
                return nil
            }
            kind = k
        }
        func flag(_ key: String) -> Bool {
            guard let value = node[key] else { return false }
            guard case .bool(let b) = value.kind else {
                ctx.error("\"\(key)\" must be true or false", value, p / key)
                return false
            }
            return b
        }
        let required = flag("required"), secret = flag("secret")
        if secret && kind != .text {
            ctx.error("a secret parameter is text", node["type"] ?? node, p / "type", hint: "remove \"type\" or make it \"text\"")
        }
        let allowed = ctx.stringList(node["allowed"], p / "allowed", "\"allowed\"")?.map(\.0)
        var parameter = IntegrationParameter(name, kind, required: required, secret: secret, default: node["default"].map(\.json),
                                             allowed: allowed, ctx.string(node["description"], p / "description", "\"description\"") ?? "")
        if secret && parameter.defaultValue != nil {
            ctx.error("a secret parameter has no default: it would be a literal in git", node["default"] ?? node, p / "default")
            parameter.defaultValue = nil
        }
        if let value = parameter.defaultValue, let problem = IntegrationRules.literalProblem(value, parameter) {
            ctx.error("the default \(problem)", node["default"] ?? node, p / "default")
        }
        return parameter
    }
}
