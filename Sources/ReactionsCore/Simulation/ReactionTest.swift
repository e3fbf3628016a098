/// `reactions test`: fixtures kept in the config repository (`*.test.json`) that state what
/// an event must and must not trigger, checked with the same dry run as `simulate`.
///
/// ```json
/// {"name": "production deploys annotate monitoring",
///  "deploy": {…OpsLevel payload…},            // or "webhook": "myget", "payload": {…}, "query": {…}
///                                              // or "event": {…CloudEvents…}
///  "expect": {"fires": ["annotate-monitoring"], "does_not_fire": ["release-on-package"],
///             "only": false,
///             "actions": {"annotate-monitoring": {"url": "https://…", "body": {"text": "…"}}}}}
/// ```
/// `actions` entries match a subset of the rendered action (as `simulate --format json`
/// shows it): objects by the keys given, everything else exactly.
public struct ReactionTest: Sendable {
    public var file: String
    public var name: String
    public var failures: [String]
    /// What the fixture's event fires under the config, and why the rest do not (the first
    /// failing filter clause), so a report says more than pass or fail.
    public var fired: [String] = []
    public var notFired: [(name: String, reason: String)] = []
    public var passed: Bool { failures.isEmpty }

    public init(file: String, name: String, failures: [String]) {
        self.file = file
        self.name = name
        self.failures = failures
    }

    public static func run(file: String, json: JSON, config: Config) -> ReactionTest {
        let name = json["name"]?.stringValue ?? file
        var failures: [String] = []
        guard let expect = json["expect"], case .object = expect else {
            return ReactionTest(file: file, name: name, failures: ["the fixture has no \"expect\" object"])
        }
        let event: JSON
        do {
            if let deploy = json["deploy"] {
                event = try SimulatedEvent.deploy(Array(deploy.compactText.utf8), endpoint: json["endpoint"]?.stringValue, config: config)
            } else if let webhook = json["webhook"]?.stringValue {
                let query = (json["query"]?.objectMembers ?? []).map { ($0.key, Template.text(of: $0.value)) }
                event = try SimulatedEvent.webhook(webhook, payload: Array((json["payload"] ?? .object([])).compactText.utf8), query: query, config: config)
            } else if let raw = json["event"] {
                event = try SimulatedEvent.event(Array(raw.compactText.utf8))
            } else {
                return ReactionTest(file: file, name: name, failures: ["the fixture needs \"deploy\", \"webhook\" (with \"payload\") or \"event\""])
            }
        } catch {
            return ReactionTest(file: file, name: name, failures: [error.description])
        }
        let run = DryRun(event: event, config: config)
        let fired = Set(run.outcomes.filter { $0.reason == nil }.map(\.reaction.name))
        let known = Set(config.reactions.map(\.name))
        let mustFire = (expect["fires"]?.arrayValue ?? []).compactMap(\.stringValue)
        let mustNot = (expect["does_not_fire"]?.arrayValue ?? []).compactMap(\.stringValue)
        for reaction in mustFire + mustNot where !known.contains(reaction) {
            failures.append("no reaction is named \"\(reaction)\"")
        }
        for reaction in mustFire where known.contains(reaction) && !fired.contains(reaction) {
            let reason = run.outcomes.first { $0.reaction.name == reaction }?.reason ?? "it does not fire"
            failures.append("expected \(reaction) to fire, but \(reason)")
        }
        for reaction in mustNot where fired.contains(reaction) {
            failures.append("expected \(reaction) not to fire, but it does")
        }
        if expect["only"] == .bool(true) {
            for reaction in fired.subtracting(mustFire).sorted() { failures.append("\(reaction) fires, but \"only\" lists just \(mustFire.joined(separator: ", "))") }
        }
        for member in expect["actions"]?.objectMembers ?? [] {
            guard let outcome = run.outcomes.first(where: { $0.reaction.name == member.key }), let action = outcome.action else {
                failures.append("expected an action from \(member.key), but it does not fire")
                continue
            }
            if let difference = Self.subsetDifference(expected: member.value, actual: action, path: member.key) {
                failures.append(difference)
            }
        }
        var result = ReactionTest(file: file, name: name, failures: failures)
        result.fired = run.outcomes.filter { $0.reason == nil }.map(\.reaction.name)
        result.notFired = run.outcomes.compactMap { o in o.reason.map { (o.reaction.name, $0) } }
        return result
    }

    /// A fixture that pins what `event` (a recorded envelope) does under `config` today:
    /// exactly the reactions that fire, and what each renders (a script's content digest
    /// left out, so an edited script shows in review rather than failing the fixture).
    public static func fixture(from event: JSON, config: Config, name: String) -> JSON {
        let run = DryRun(event: event, config: config)
        let firing = run.outcomes.filter { $0.reason == nil }
        var actions: [JSON.Member] = []
        for outcome in firing {
            guard let action = outcome.action else { continue }
            actions.append(.init(outcome.reaction.name, .object((action.objectMembers ?? []).filter { $0.key != "content_sha256" })))
        }
        return .object([
            .init("name", .string(name)),
            .init("event", event),
            .init("expect", .object([
                .init("fires", .array(firing.map { .string($0.reaction.name) })),
                .init("only", .bool(true)),
                .init("actions", .object(actions)),
            ])),
        ])
    }

    /// Nil when every key of `expected` is in `actual` with a matching value.
    static func subsetDifference(expected: JSON, actual: JSON, path: String) -> String? {
        if case .object(let members) = expected {
            guard case .object = actual else { return "\(path): expected an object, got \(actual.compactText)" }
            for member in members {
                guard let value = actual[member.key] else { return "\(path).\(member.key): missing (got \(actual.compactText))" }
                if let difference = subsetDifference(expected: member.value, actual: value, path: "\(path).\(member.key)") { return difference }
            }
            return nil
        }
        return Condition.equal(actual, expected) ? nil : "\(path): expected \(expected.compactText), got \(actual.compactText)"
    }
}
