/// Finds the reactions an event may trigger without looking at every reaction: by event
/// type, then by the value of a `service` filter (the most common one), then by endpoint.
/// Only the candidates' filters are evaluated.
public struct ReactionIndex: Sendable {
    struct Bucket: Sendable {
        var anyService: [Int] = []
        var byService: [String: [Int]] = [:]
    }

    public let reactions: [Reaction]
    private var byType: [String: Bucket] = [:]
    /// `custom.release.*`-style subscriptions, checked by prefix.
    private var byPrefix: [(prefix: String, reaction: Int)] = []
    /// Each reaction's `when.endpoint`, and whether any has one.
    private let endpoints: [String?]
    private let hasEndpointTriggers: Bool

    public struct Match: Sendable {
        public var reaction: Reaction
        /// The filter clause that did not hold; nil when the reaction fires.
        public var failingClause: Filter.Clause?
        public var fires: Bool { failingClause == nil }
    }

    public init(config: Config) {
        let sorted = config.reactions.filter(\.enabled).sorted { $0.name < $1.name }
        reactions = sorted
        endpoints = sorted.map(\.trigger.endpoint)
        hasEndpointTriggers = sorted.contains { $0.trigger.endpoint != nil }
        let declaredEndpoints = Dictionary(config.endpoints.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, reaction) in sorted.enumerated() {
            var types: Set<String> = []
            if reaction.trigger.events.isEmpty {
                types = reaction.receivableEventTypes(endpoint: reaction.trigger.endpoint.flatMap { declaredEndpoints[$0] })
            }
            for pattern in reaction.trigger.events {
                if pattern.hasPrefix("custom.") {
                    if pattern.hasSuffix(".*") { byPrefix.append((String(pattern.dropLast(1)), index)) } else { types.insert(pattern) }
                } else if pattern == "custom.*" {
                    byPrefix.append(("custom.", index))
                } else {
                    types.formUnion(EventType.expand(pattern))
                }
            }
            let services = Self.serviceValues(reaction.trigger.filter)
            for type in types {
                if let services {
                    for s in services { byType[type, default: Bucket()].byService[s, default: []].append(index) }
                } else {
                    byType[type, default: Bucket()].anyService.append(index)
                }
            }
        }
    }

    /// The services a `service` filter clause accepts, when it is a plain value or list.
    static func serviceValues(_ filter: Filter) -> [String]? {
        for clause in filter.clauses where clause.path == "service" {
            switch clause.condition {
            case .equals(.string(let s)): return [s]
            case .oneOf(let values) where values.allSatisfy({ $0.stringValue != nil }):
                // A service listed twice must not index (and fire) the reaction twice.
                return Array(Set(values.compactMap(\.stringValue))).sorted()
            default: return nil
            }
        }
        return nil
    }

    /// Reactions subscribed to this event's type (and endpoint), in name order.
    ///
    /// Runs for every event (and twice per event in a replay): the common case, one list
    /// from the type's bucket, is returned as it is, already in order; sorting and removing
    /// repeats is paid only when a service bucket or a prefix adds to it.
    func candidates(type: String, service: String?, endpoint: String?) -> [Int] {
        var out: [Int] = []
        var merged = false
        if let bucket = byType[type] {
            out = bucket.anyService
            if let service, let matching = bucket.byService[service] {
                merged = !out.isEmpty
                out += matching
            }
        }
        for entry in byPrefix where type.hasPrefix(entry.prefix) {
            merged = merged || !out.isEmpty
            out.append(entry.reaction)
        }
        if merged {
            out.sort()
            // A reaction can reach the list twice (a type and a family prefix): keep it once.
            out = out.enumerated().filter { $0.offset == 0 || out[$0.offset - 1] != $0.element }.map(\.element)
        }
        guard hasEndpointTriggers else { return out }
        return out.filter { i in endpoints[i].map { $0 == endpoint } ?? true }
    }

    /// Whether any reaction listens to this kind of event: lets writers skip matching (and
    /// parsing the envelope) for the events nobody reacts to.
    public func hasCandidates(type: String, service: String?, endpoint: String?) -> Bool {
        !candidates(type: type, service: service, endpoint: endpoint).isEmpty
    }

    /// Indexes (into `reactions`) of the reactions that fire for an event. Filters are
    /// evaluated in place: copying a `Reaction` per candidate cost more than matching.
    public func firingIndexes(envelope: JSON, context: TemplateContext) -> [Int] {
        candidates(type: envelope["type"]?.stringValue ?? "", service: envelope["service"]?.stringValue,
                   endpoint: envelope["endpoint"]?.stringValue)
            .filter { reactions[$0].trigger.filter.matches(context) }
    }

    /// The reactions that fire for an event.
    public func firing(envelope: JSON, context: TemplateContext) -> [Reaction] {
        firingIndexes(envelope: envelope, context: context).map { reactions[$0] }
    }

    /// Every reaction with why it does or does not fire, for `simulate` and `explain`.
    public func explain(envelope: JSON, context: TemplateContext) -> [Match] {
        let type = envelope["type"]?.stringValue ?? ""
        let endpoint = envelope["endpoint"]?.stringValue
        return reactions.map { reaction in
            let listens = reaction.trigger.events.isEmpty
                ? reaction.trigger.endpoint == endpoint
                : reaction.trigger.events.contains { EventType.matches(pattern: $0, type: type) }
            if !listens || (reaction.trigger.endpoint != nil && reaction.trigger.endpoint != endpoint) {
                let clause = Filter.Clause(path: "event.type", condition: .equals(.string(type)), location: reaction.trigger.location)
                return Match(reaction: reaction, failingClause: clause)
            }
            return Match(reaction: reaction, failingClause: reaction.trigger.filter.firstFailingClause(context))
        }
    }
}
