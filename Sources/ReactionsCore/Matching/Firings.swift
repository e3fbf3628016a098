/// Which reactions an event fires, decided where the request was parsed, so that the
/// single writer that commits the event only inserts its deliveries (issue 11): no filter,
/// regular expression or template runs there.
///
/// A deploy's `id`, and its `deploy_number` when it sent none, are known only once the
/// store has inserted it. Clauses that read them are kept as `pending` and evaluated by
/// the writer on that one short value; every other clause is already decided.
public struct Firings: Sendable {
    /// Data members the store sets on a deploy's event.
    public enum StoreField: String, Sendable {
        case id
        case deployNumber = "deploy_number"
    }

    struct Entry: Sendable {
        var reaction: String
        /// Clauses still to hold; empty when the reaction fires whatever the store sets.
        var pending: [(field: StoreField, condition: Condition)]
    }

    var entries: [Entry]

    public static let none = Firings(entries: [])

    init(entries: [Entry]) { self.entries = entries }

    /// Reactions that fire whatever the store sets.
    public init(firing reactions: [String]) {
        entries = reactions.map { Entry(reaction: $0, pending: []) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The reactions that fire, in name order, given what the store set (nil: not set,
    /// as for a status update of a deploy whose number was never sent).
    public func resolve(id: Int?, deployNumber: JSON?) -> [String] {
        entries.compactMap { entry in
            for (field, condition) in entry.pending {
                let value: JSON? = field == .id ? id.map(JSON.int) : deployNumber
                guard condition.matches(value) else { return nil }
            }
            return entry.reaction
        }
    }

    /// The reactions that fire for an event the store sets nothing on.
    public var reactions: [String] { resolve(id: nil, deployNumber: nil) }
}

extension ReactionIndex {
    /// Evaluates the candidates' filters now, leaving the clauses that read a field in
    /// `storeFields` (`deploy.id`, `data.deploy_number`, …) for `Firings.resolve`. Each
    /// clause reads its value through `value` (`EventVariables.value(at:…)`, which answers
    /// one path without building every root) from the event of that type, service and endpoint.
    public func firings(type: String, service: String?, endpoint: String?, value: (_ path: [String]) -> JSON?,
                        storeFields: Set<Firings.StoreField>) -> Firings {
        let candidates = candidates(type: type, service: service, endpoint: endpoint)
        var entries: [Firings.Entry] = []
        candidate: for index in candidates {
            var pending: [(field: Firings.StoreField, condition: Condition)] = []
            for clause in reactions[index].trigger.filter.clauses {
                if let field = Self.storeField(clause.resolvedPath), storeFields.contains(field) {
                    pending.append((field, clause.condition))
                } else if !clause.condition.matches(value(clause.resolvedPath)) {
                    continue candidate
                }
            }
            entries.append(Firings.Entry(reaction: reactions[index].name, pending: pending))
        }
        return Firings(entries: entries)
    }

    /// `deploy.id`, `data.deploy_number`, `payload.id`…: the roots that hold a deploy's data.
    static func storeField(_ path: [String]) -> Firings.StoreField? {
        guard path.count == 2, path[0] == "deploy" || path[0] == "data" || path[0] == "payload" else { return nil }
        return Firings.StoreField(rawValue: path[1])
    }
}
