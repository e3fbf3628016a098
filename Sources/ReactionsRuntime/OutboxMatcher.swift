import ReactionsCore
import ReactionsStore

/// The matcher every writer of events hands the store, so deliveries are queued in the
/// event's transaction: the runtime for what it receives, `apply` for `config.applied`.
public enum OutboxMatcher {
    public static let maximumChainDepth = CloudEvent.maximumChainDepth

    /// nil when the config has no enabled reactions.
    public static func make(_ config: Config) -> ReactionMatcher? {
        make(ReactionIndex(config: config), services: ServiceIndex(config.services))
    }

    /// The matcher for the `config.applied` event a commit raises, built only when some
    /// reaction of the new revision listens to it: decoding a large revision again just
    /// to learn that nothing fires would double the cost of apply.
    public static func forConfigApplied(_ document: StateDocument) -> ReactionMatcher? {
        let listens = document.resources.contains { address, value in
            address.kind == .reaction && (value["when"]?["events"]?.arrayValue ?? []).contains {
                $0.stringValue.map { EventType.matches(pattern: $0, type: EventType.configApplied) } ?? false
            }
        }
        return listens ? make(document.config().0) : nil
    }

    /// The same for a config already decoded.
    public static func forConfigApplied(_ config: Config) -> ReactionMatcher? {
        let listens = config.reactions.contains { reaction in
            reaction.trigger.events.contains { EventType.matches(pattern: $0, type: EventType.configApplied) }
        }
        return listens ? make(config) : nil
    }

    /// From the indexes a route table already built for the revision.
    static func make(_ index: ReactionIndex, services: ServiceIndex) -> ReactionMatcher? {
        guard !index.reactions.isEmpty else { return nil }
        return ReactionMatcher(
            mayFire: { type, service, endpoint in index.hasCandidates(type: type, service: service, endpoint: endpoint) },
            firings: { matched, storeFields in
                let event = matched.event
                guard event.chainDepth < maximumChainDepth else { return .none }
                // The data once, whichever clauses read it.
                var data: JSON? = nil
                func readData() -> JSON {
                    if let data { return data }
                    let built = matched.data
                    data = built
                    return built
                }
                return index.firings(type: event.type, service: event.service, endpoint: event.endpoint,
                                     value: { EventVariables.value(at: $0, event: event, data: readData, services: services) },
                                     storeFields: storeFields)
            })
    }
}
