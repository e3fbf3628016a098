/// Matches recorded events against the running revision and a planned one, an event at a
/// time, keeping counts and a few examples: a million events stream through in memory that
/// does not grow with them.
///
/// Matching is the runtime's (`ReactionIndex`, the same variables, the same chain-depth
/// limit), so what the replay says would fire is what `serve` would have queued.
public struct Replayer {
    /// One config, indexed for matching.
    struct Side {
        let config: Config
        let index: ReactionIndex
        let services: ServiceIndex
        /// `index.reactions[i]` is the outcome at `slots[i]`.
        let slots: [Int]

        init(_ config: Config, slot: [String: Int]) {
            self.config = config
            index = ReactionIndex(config: config)
            services = ServiceIndex(config.services)
            slots = index.reactions.map { slot[$0.name] ?? 0 }
        }

        func firing(_ envelope: JSON) -> (context: TemplateContext, slots: [Int]) {
            let context = TemplateContext(variables: EventVariables.make(envelope: envelope, services: services))
            guard (envelope["chaindepth"]?.intValue ?? 0) < CloudEvent.maximumChainDepth else { return (context, []) }
            return (context, index.firingIndexes(envelope: envelope, context: context).map { slots[$0] })
        }

        func render(slot: Int, names: [String], envelope: JSON) -> JSON? {
            guard let reaction = index.reactions.first(where: { $0.name == names[slot] }) else { return nil }
            let context = TemplateContext(variables: EventVariables.make(envelope: envelope, services: services, reaction: reaction.name,
                                                                        delivery: ("replay", 1)))
            return DryRun.render(reaction.action, context, config: config)
        }
    }

    private let before: Side
    private let after: Side
    /// When services and endpoints are the same on both sides (so one set of variables
    /// serves both), a reaction the plan does not touch fires exactly as it did: only the created and changed ones are matched again
    /// (`changedAfter`), the rest carry over from the running revision (`carriesOver`, by
    /// slot). A pull request changes a few reactions of hundreds; this halves a replay.
    private let changedAfter: Side?
    private let carriesOver: [Bool]
    private let names: [String]
    /// Reactions the plan changes: reported whatever the events do.
    private let watched: [Bool]
    private var outcomes: [Replay.Outcome]
    /// Whether the rendered example is a started event (preferred) rather than any firing.
    private var renderedStarted: [Bool]
    public private(set) var events = 0
    private var unmatchedBefore = 0
    private var unmatchedAfter = 0
    private var oldest: String?

    public init(before: StateDocument, after: StateDocument) {
        let beforeConfig = before.config().0, afterConfig = after.config().0
        let reactionNames = Set(beforeConfig.reactions.map(\.name)).union(afterConfig.reactions.map(\.name)).sorted()
        let slot = Dictionary(uniqueKeysWithValues: reactionNames.enumerated().map { ($1, $0) })
        self.before = Side(beforeConfig, slot: slot)
        self.after = Side(afterConfig, slot: slot)
        let sameServices = before.resources.filter { $0.key.kind == .service } == after.resources.filter { $0.key.kind == .service }
        names = reactionNames
        let changedIntegrations = Set(Set(before.resources.keys).union(after.resources.keys)
            .filter { $0.kind == .integration && before.resources[$0] != after.resources[$0] }.map(\.name))
        let uses = Dictionary(afterConfig.reactions.compactMap { reaction -> (String, String)? in
            if case .integration(let use) = reaction.action { return (reaction.name, use.integration) }
            return nil
        }, uniquingKeysWith: { a, _ in a })
        outcomes = reactionNames.map { name in
            let address = ResourceAddress(.reaction, name)
            let change: Replay.Change?
            switch (before.resources[address], after.resources[address]) {
            case (nil, _): change = .created
            case (_, nil): change = .deleted
            case (let b, let a) where b != a: change = .changed
            default: change = uses[name].map(changedIntegrations.contains) == true ? .integrationChanged : nil
            }
            return Replay.Outcome(name: name, change: change)
        }
        watched = outcomes.map { $0.change != nil }
        renderedStarted = Array(repeating: false, count: reactionNames.count)
        let sameEndpoints = before.resources.filter { $0.key.kind == .endpoint } == after.resources.filter { $0.key.kind == .endpoint }
        if sameServices && sameEndpoints {
            let untouched = Set(reactionNames.filter { name in
                let address = ResourceAddress(.reaction, name)
                return before.resources[address] != nil && before.resources[address] == after.resources[address]
            })
            var changed = afterConfig
            changed.reactions = afterConfig.reactions.filter { !untouched.contains($0.name) }
            changedAfter = Side(changed, slot: slot)
            carriesOver = reactionNames.map(untouched.contains)
        } else {
            changedAfter = nil
            carriesOver = Array(repeating: false, count: reactionNames.count)
        }
    }

    /// One recorded envelope. Feed them newest first: examples are the first ones seen.
    public mutating func add(_ envelope: JSON) {
        events += 1
        oldest = envelope["time"]?.stringValue ?? oldest
        let (beforeContext, firedBefore) = before.firing(envelope)
        let firedAfter: [Int]
        if let changedAfter {
            firedAfter = (envelope["chaindepth"]?.intValue ?? 0) < CloudEvent.maximumChainDepth
                ? firedBefore.filter { carriesOver[$0] }
                    + changedAfter.index.firingIndexes(envelope: envelope, context: beforeContext).map { changedAfter.slots[$0] }
                : []
        } else {
            firedAfter = after.firing(envelope).slots
        }
        if firedBefore.isEmpty { unmatchedBefore += 1 }
        if firedAfter.isEmpty { unmatchedAfter += 1 }
        for s in firedBefore {
            outcomes[s].before += 1
            if !firedAfter.contains(s) {
                outcomes[s].stopped += 1
                if outcomes[s].stoppedExamples.count < Replay.examplesPerKind { outcomes[s].stoppedExamples.append(Self.example(envelope)) }
            }
        }
        for s in firedAfter {
            outcomes[s].after += 1
            let started = !firedBefore.contains(s)
            if started {
                outcomes[s].started += 1
                if outcomes[s].startedExamples.count < Replay.examplesPerKind { outcomes[s].startedExamples.append(Self.example(envelope)) }
            }
            // Rendered once per reaction, or twice when a started event comes after another.
            let wanted = (watched[s] && outcomes[s].rendered == nil) || (started && !renderedStarted[s])
            if wanted, let rendered = after.render(slot: s, names: names, envelope: envelope) {
                // What the running revision sends for the same event, when that differs.
                let renderedBefore = started ? nil : before.render(slot: s, names: names, envelope: envelope)
                outcomes[s].rendered = Replay.Rendered(event: envelope["id"]?.stringValue ?? "", after: rendered,
                                                       before: renderedBefore == rendered ? nil : renderedBefore)
                renderedStarted[s] = started
            }
        }
    }

    /// The replay of everything added. `since`: the window's requested start, if it had one.
    public func finish(since: String?, until: String) -> Replay {
        let reported = outcomes.indices.filter { watched[$0] || outcomes[$0].changesBehaviour }.map { outcomes[$0] }
        return Replay(window: Replay.Window(since: since ?? oldest, until: until, events: events), reactions: reported,
                      unmatchedBefore: unmatchedBefore, unmatchedAfter: unmatchedAfter)
    }

    static func example(_ envelope: JSON) -> Replay.Example {
        Replay.Example(id: envelope["id"]?.stringValue ?? "", type: envelope["type"]?.stringValue ?? "",
                       service: envelope["service"]?.stringValue, environment: envelope["environment"]?.stringValue,
                       time: envelope["time"]?.stringValue ?? "")
    }
}
