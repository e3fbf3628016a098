/// Which variables a template or filter may read, per event type.
///
/// This is what turns `#{deploy.servce}` into a plan-time error with a line number
/// instead of an empty string in production.
public enum TemplateVariables {
    /// Fields of an OpsLevel deploy (seed 001), plus `status` and the matched service.
    static let deployFields: Set<String> = [
        "service", "description", "deployed_at", "environment", "deploy_url", "dedup_id", "deploy_number", "status",
        "deployer", "deployer.id", "deployer.email", "deployer.name",
        "commit", "commit.sha", "commit.message", "commit.branch", "commit.date", "commit.committer_name",
        "commit.committer_email", "commit.author_name", "commit.author_email", "commit.authoring_date",
    ]

    enum Fields {
        case any
        case known(Set<String>)
    }

    struct Root {
        var fields: Fields
        /// Event types (as `EventType.expand` yields) the root exists for; nil = every event.
        var eventTypes: Set<String>?
    }

    static let roots: [String: Root] = [
        "event": Root(fields: .known(["id", "type", "source", "time", "subject", "service", "environment",
                                      "endpoint", "causationid", "chaindepth"]), eventTypes: nil),
        "data": Root(fields: .any, eventTypes: nil),
        "reaction": Root(fields: .known(["name"]), eventTypes: nil),
        "delivery": Root(fields: .known(["id", "attempt"]), eventTypes: nil),
        "deploy": Root(fields: .known(deployFields), eventTypes: Set(EventType.deployTypes)),
        "service": Root(fields: .known(["name", "owner", "description"]), eventTypes: Set(EventType.deployTypes)),
        "payload": Root(fields: .any, eventTypes: Set(EventType.deployTypes + [EventType.webhookReceived])),
        "query": Root(fields: .any, eventTypes: [EventType.webhookReceived]),
        "headers": Root(fields: .any, eventTypes: [EventType.webhookReceived]),
        "suggestion": Root(fields: .known(["service", "environment", "endpoint"]), eventTypes: [EventType.serviceSuggested]),
        "revision": Root(fields: .known(["number", "hash", "created_by"]), eventTypes: [EventType.configApplied]),
        "failure": Root(fields: .known(["reaction", "delivery_id", "event_id", "attempts", "error"]), eventTypes: [EventType.reactionFailed]),
    ]

    /// Checks `path` for the events a reaction can receive; returns a message when it cannot resolve.
    /// `eventTypes` holds what `EventType.expand` gives for the reaction's subscriptions.
    public static func problem(with path: [String], eventTypes: Set<String>, allowSecrets: Bool = true) -> String? {
        guard let rootName = path.first else { return "the variable is empty" }
        if rootName == "secret" {
            guard allowSecrets else { return "secrets cannot be used here; filters must not depend on secret values" }
            guard path.count == 2 else { return "write a secret as `secret.NAME`" }
            return SecretReference.isValidName(path[1]) ? nil
                : "`\(path[1])` is not a valid secret name; use letters, digits and `_` (an environment variable name)"
        }
        guard let root = roots[rootName] else {
            let known = (roots.keys.sorted() + ["secret"]).joined(separator: ", ")
            return "unknown variable `\(path.joined(separator: "."))`; variables start with one of: \(known)"
        }
        if case .known(let fields) = root.fields {
            let rest = path.dropFirst().joined(separator: ".")
            if rest.isEmpty || !fields.contains(rest) {
                let suggestion = Suggest.closest(to: rest, among: fields.sorted()).map { " (did you mean `\(rootName).\($0)`?)" } ?? ""
                return "unknown variable `\(path.joined(separator: "."))`\(suggestion); `\(rootName)` has: "
                    + fields.sorted().map { "\(rootName).\($0)" }.joined(separator: ", ")
            }
        } else if path.count == 1, rootName != "payload", rootName != "data" {
            return "`\(rootName)` needs a field, as in `\(rootName).name`"
        }
        if let allowed = root.eventTypes {
            let missing = eventTypes.subtracting(allowed).sorted()
            if !missing.isEmpty {
                return "`\(path.joined(separator: "."))` is not available for \(missing.joined(separator: ", ")) events; "
                    + "it exists only for \(allowed.sorted().joined(separator: ", "))"
            }
        }
        return nil
    }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggest {
    public static func closest(to word: String, among candidates: [String]) -> String? {
        guard !word.isEmpty else { return nil }
        let limit = max(1, word.count / 3)
        var best: (String, Int)? = nil
        for candidate in candidates {
            let d = distance(word, candidate)
            if d <= limit, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Optimal string alignment distance: edits plus adjacent transpositions ("plna" → "plan" is 1).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
