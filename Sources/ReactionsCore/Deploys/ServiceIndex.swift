/// Matches the `service` a deploy names to a declared service, by name or alias, as
/// OpsLevel does. Exact match first, then case-insensitive, so `Shopping_Cart` still finds
/// the service aliased `shopping_cart`.
public struct ServiceIndex: Sendable {
    private var exact: [String: String] = [:]
    private var folded: [String: String] = [:]
    private var byName: [String: Service] = [:]

    public init(_ services: [Service]) {
        for service in services {
            byName[service.name] = byName[service.name] ?? service
            for key in [service.name] + service.aliases {
                exact[key] = exact[key] ?? service.name
                folded[key.lowercased()] = folded[key.lowercased()] ?? service.name
            }
        }
    }

    /// The declared service's name, or nil when nothing matches (a suggestion).
    public func match(_ name: String) -> String? {
        exact[name] ?? folded[name.lowercased()]
    }

    /// The declared service of that exact name (what an event's `service` attribute holds).
    public func service(named name: String) -> Service? {
        byName[name]
    }
}
