/// Turns service names deploys used without a match into config, ready to commit: the
/// loop OpsLevel closes with its suggestions ("add the service, or an alias").
public enum SuggestionPatch {
    /// A name that follows the pattern: `Shopping Cart` → `shopping-cart`.
    public static func serviceName(for alias: String) -> String? {
        var out = ""
        for scalar in alias.lowercased().unicodeScalars {
            if scalar.isASCII && (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        guard !out.isEmpty else { return nil }
        return String(out.prefix(63))
    }

    /// A config document declaring one service per name (the sent name kept as an alias
    /// when it is not itself a valid name). Names a declared service already matches are skipped.
    public static func newServices(_ names: [String], config: Config) -> JSON {
        let index = ServiceIndex(config.services)
        var taken = Set(config.services.map(\.name))
        var services: [JSON] = []
        for name in names where index.match(name) == nil {
            guard let candidate = serviceName(for: name), !taken.contains(candidate) else { continue }
            taken.insert(candidate)
            var members = [JSON.Member("name", .string(candidate))]
            if candidate != name { members.append(JSON.Member("aliases", .array([.string(name)]))) }
            services.append(.object(members))
        }
        return .object([JSON.Member("version", .int(ConfigDocument.currentVersion)), JSON.Member("services", .array(services))])
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownService(String)
        case unreadable(String)
        public var description: String {
            switch self {
            case .unknownService(let name): return "no service named \"\(name)\" is declared; the aliases need an existing service"
            case .unreadable(let file): return "cannot read \(file) again to add the aliases"
            }
        }
    }

    /// The declaring document with `names` added to the service's aliases, as canonical text.
    public static func addAliases(_ names: [String], to service: String, document: JSONNode) throws(Failure) -> String {
        guard case .object(var members) = document.json,
              let listIndex = members.firstIndex(where: { $0.key == "services" }),
              case .array(var services) = members[listIndex].value,
              let serviceIndex = services.firstIndex(where: { $0["name"]?.stringValue == service }),
              case .object(var fields) = services[serviceIndex] else { throw .unknownService(service) }
        var aliases = fields.first(where: { $0.key == "aliases" })?.value.arrayValue ?? []
        for name in names where name != service && !aliases.contains(.string(name)) { aliases.append(.string(name)) }
        fields.removeAll { $0.key == "aliases" }
        fields.append(JSON.Member("aliases", .array(aliases)))
        services[serviceIndex] = .object(fields)
        members[listIndex].value = .array(services)
        return ConfigFormatter.format(JSONNode(json: .object(members)))
    }
}
