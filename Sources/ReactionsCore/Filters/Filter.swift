/// `when.filter`: an object of `path: condition`; every clause must hold.
public struct Filter: Sendable, Hashable {
    public var clauses: [Clause]

    public init(clauses: [Clause] = []) { self.clauses = clauses }

    public struct Clause: Sendable, Hashable {
        /// As written: a shorthand (`service`, `environment`, `status`) or a variable path.
        public let path: String
        public var condition: Condition
        public var location: SourceLocation
        /// The variable path the clause reads (shorthands read the event's subject); resolved
        /// once, since clauses are evaluated for every event.
        public let resolvedPath: [String]

        public init(path: String, condition: Condition, location: SourceLocation) {
            self.path = path
            self.condition = condition
            self.location = location
            resolvedPath = Filter.resolve(shorthand: path)
        }
    }

    /// Shorthands read the CloudEvents extension attributes (or the deploy status).
    public static let shorthands: [String: [String]] = [
        "service": ["event", "service"],
        "environment": ["event", "environment"],
        "status": ["deploy", "status"],
    ]

    /// What a filter path that reads nothing was probably meant to be: a misspelt shorthand
    /// (`enviroment`), or a deploy field written without its `deploy.` (`deployer`,
    /// `dedup_id`), misspelt or not.
    public static func suggestion(for path: String) -> String? {
        guard !path.contains(".") else { return nil }
        if let shorthand = Suggest.closest(to: path, among: shorthands.keys.sorted()) { return shorthand }
        return Suggest.closest(to: path, among: TemplateVariables.deployFields.sorted()).map { "deploy." + $0 }
    }

    static func resolve(shorthand path: String) -> [String] {
        shorthands[path] ?? path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}

/// One condition on a value. A string means `equals`, a list means `in`.
public enum Condition: Sendable, Hashable {
    case equals(JSON)
    case oneOf([JSON])
    /// Compiled where the config is decoded: matching ran the pattern's parser for every
    /// event the reaction was a candidate for.
    case glob(Glob)
    case prefix(String)
    case regex(String)
    case exists(Bool)

    public static let operators = ["equals", "in", "glob", "prefix", "regex", "exists"]

    /// The canonical JSON form kept in state and shown in plans.
    public var json: JSON {
        switch self {
        case .equals(let v): return v
        case .oneOf(let vs): return .array(vs)
        case .glob(let g): return .object(["glob": .string(g.pattern)])
        case .prefix(let p): return .object(["prefix": .string(p)])
        case .regex(let p): return .object(["regex": .string(p)])
        case .exists(let b): return .object(["exists": .bool(b)])
        }
    }
}
