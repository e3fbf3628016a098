/// Shared state while decoding one config document: the file, the resource being read,
/// and the diagnostics found so far. Decoding never stops at the first problem.
struct DecodingContext {
    let file: String
    /// State documents may carry computed attributes (`content_sha256`) that users may not write.
    let allowComputed: Bool
    var diagnostics: [Diagnostic] = []
    var resource: ResourceAddress? {
        didSet { templateUses = [] }
    }
    /// Templates parsed since the current resource began.
    var templateUses: [TemplateUse] = []

    func location(_ node: JSONNode, _ pointer: JSONPointer) -> SourceLocation {
        SourceLocation(file: file, position: node.position, pointer: pointer)
    }

    mutating func error(_ message: String, _ node: JSONNode, _ pointer: JSONPointer, hint: String? = nil) {
        diagnostics.append(.error(message, at: location(node, pointer), resource: resource, hint: hint))
    }

    mutating func warning(_ message: String, _ node: JSONNode, _ pointer: JSONPointer, hint: String? = nil) {
        diagnostics.append(.warning(message, at: location(node, pointer), resource: resource, hint: hint))
    }

    /// Reports members that are not in `allowed`, suggesting the closest known key.
    /// Returns the members, or nil (after reporting) when `node` is not an object.
    mutating func object(_ node: JSONNode, _ pointer: JSONPointer, allowed: [String], what: String) -> [JSONNode.Member]? {
        guard let members = node.members else {
            error("\(what) must be an object, not \(node.typeDescription)", node, pointer)
            return nil
        }
        for member in members where !allowed.contains(member.key) {
            let suggestion = Suggest.closest(to: member.key, among: allowed).map { "did you mean \"\($0)\"?" }
            diagnostics.append(.error("unknown field \"\(member.key)\" in \(what)",
                                      at: SourceLocation(file: file, position: member.keyPosition, pointer: pointer / member.key),
                                      resource: resource,
                                      hint: suggestion ?? "allowed fields: " + allowed.filter { !$0.hasPrefix("$") }.joined(separator: ", ")))
        }
        return members
    }

    mutating func string(_ node: JSONNode?, _ pointer: JSONPointer, _ what: String, required: Bool = false,
                         parent: JSONNode? = nil) -> String? {
        guard let node else {
            if required, let parent { error("\(what) is required", parent, pointer.dropLast) }
            return nil
        }
        guard let s = node.string else {
            error("\(what) must be a string, not \(node.typeDescription)", node, pointer)
            return nil
        }
        if required && s.isEmpty {
            error("\(what) must not be empty", node, pointer)
            return nil
        }
        return s
    }

    mutating func integer(_ node: JSONNode?, _ pointer: JSONPointer, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard case .number(let n) = node.kind, let value = n.intValue else {
            error("\(what) must be a whole number, not \(node.typeDescription)", node, pointer)
            return nil
        }
        guard range.contains(value) else {
            error("\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(value)", node, pointer)
            return nil
        }
        return value
    }

    mutating func stringList(_ node: JSONNode?, _ pointer: JSONPointer, _ what: String) -> [(String, JSONNode)]? {
        guard let node else { return nil }
        guard let items = node.items else {
            error("\(what) must be a list of strings, not \(node.typeDescription)", node, pointer)
            return nil
        }
        var out: [(String, JSONNode)] = []
        for (i, item) in items.enumerated() {
            if let s = string(item, pointer / i, "each of \(what)") { out.append((s, item)) }
        }
        return out
    }

    mutating func duration(_ node: JSONNode?, _ pointer: JSONPointer, _ what: String,
                           max: DurationValue = DurationValue(milliseconds: 86_400_000)) -> DurationValue? {
        guard let node, let text = string(node, pointer, what) else { return nil }
        guard let value = DurationValue(parsing: text), value.milliseconds > 0 else {
            error("\(what) \"\(text)\" is not a duration", node, pointer, hint: "write a number with a unit: 500ms, 30s, 5m, 2h")
            return nil
        }
        guard value <= max else {
            error("\(what) must be at most \(max)", node, pointer)
            return nil
        }
        return value
    }

    /// `{"secret": "NAME"}`.
    mutating func secretReference(_ node: JSONNode?, _ pointer: JSONPointer, _ what: String) -> SecretReference? {
        guard let node else { return nil }
        if node.string != nil {
            error("\(what) must be a secret reference, not a literal", node, pointer,
                  hint: "write {\"secret\": \"NAME\"} and provide the value in the environment variable NAME or <secrets-dir>/NAME")
            return nil
        }
        guard let members = object(node, pointer, allowed: ["secret"], what: what) else { return nil }
        guard let nameNode = members.first(where: { $0.key == "secret" })?.value else {
            error("\(what) needs \"secret\": the name of the secret", node, pointer)
            return nil
        }
        guard let name = string(nameNode, pointer / "secret", "the secret name") else { return nil }
        guard SecretReference.isValidName(name) else {
            error("\"\(name)\" is not a valid secret name", nameNode, pointer / "secret",
                  hint: "secret names are environment variable names: letters, digits and _, not starting with a digit")
            return nil
        }
        return SecretReference(name)
    }

    mutating func template(_ node: JSONNode?, _ pointer: JSONPointer, _ what: String) -> Template? {
        guard let node, let text = string(node, pointer, what) else { return nil }
        return template(text, node, pointer)
    }

    mutating func template(_ text: String, _ node: JSONNode, _ pointer: JSONPointer) -> Template? {
        do {
            let parsed = try Template(parsing: text)
            if !parsed.isLiteral { templateUses.append(TemplateUse(template: parsed, location: location(node, pointer))) }
            return parsed
        } catch {
            // Point at the `#{`: the string's opening quote plus the offset (exact when the string has no escapes).
            var loc = location(node, pointer)
            loc.position.column += 1 + error.offset
            diagnostics.append(.error("template error: \(error.message)", at: loc, resource: resource))
            return nil
        }
    }

    static let namePattern = "^[a-z0-9][a-z0-9-]{0,62}$"

    static func isValidName(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count) else { return false }
        let bytes = Array(name.utf8)
        func ok(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        return ok(bytes[0]) && bytes.dropFirst().allSatisfy { ok($0) || $0 == 0x2D }
    }

    /// Reads and checks a resource's `name`, and makes it the context for later diagnostics.
    mutating func name(_ node: JSONNode, _ pointer: JSONPointer, kind: ResourceKind) -> String? {
        guard let nameNode = node["name"] else {
            error("every \(kind.rawValue) needs a \"name\"", node, pointer)
            return nil
        }
        guard let name = string(nameNode, pointer / "name", "\"name\"") else { return nil }
        guard Self.isValidName(name) else {
            error("\"\(name)\" is not a valid \(kind.rawValue) name", nameNode, pointer / "name",
                  hint: "use 1–63 lowercase letters, digits and '-', starting with a letter or digit (\(Self.namePattern))")
            return nil
        }
        resource = ResourceAddress(kind, name)
        return name
    }
}

extension JSONPointer {
    var dropLast: JSONPointer { JSONPointer(Array(tokens.dropLast())) }
}
