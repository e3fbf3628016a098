/// What each reaction would do with one event, rendered exactly, sending nothing.
public struct DryRun: Sendable {
    public struct Outcome: Sendable {
        public var reaction: Reaction
        /// Why it does not fire; nil when it fires.
        public var reason: String?
        /// The rendered action, when it fires.
        public var action: JSON?
    }

    public var event: JSON
    public var outcomes: [Outcome]

    /// Secrets render as `«secret NAME»`: a dry run never reads secret values.
    public init(event: JSON, config: Config) {
        self.event = event
        let index = ReactionIndex(config: config)
        let variables = EventVariables.make(envelope: event, config: config)
        let context = TemplateContext(variables: variables)
        outcomes = index.explain(envelope: event, context: context).map { match in
            guard let clause = match.failingClause else {
                let actionContext = TemplateContext(variables: EventVariables.make(envelope: event, config: config, reaction: match.reaction.name,
                                                                                   delivery: ("simulated", 1)))
                return Outcome(reaction: match.reaction, reason: nil, action: Self.render(match.reaction.action, actionContext, config: config))
            }
            return Outcome(reaction: match.reaction, reason: Self.explain(clause, context), action: nil)
        }
        let disabled = config.reactions.filter { !$0.enabled }.sorted { $0.name < $1.name }
        outcomes += disabled.map { Outcome(reaction: $0, reason: "disabled (\"enabled\": false)", action: nil) }
    }

    static func explain(_ clause: Filter.Clause, _ context: TemplateContext) -> String {
        if clause.path == "event.type" {
            let type = context.value(at: ["event", "type"])?.stringValue ?? "?"
            return "does not listen to \(type) events from this source"
        }
        let actual = context.value(at: clause.resolvedPath)
        let shown = actual.map { $0.compactText } ?? "nothing"
        return "filter \(clause.path): \(shown) does not match \(clause.condition.json.compactText)"
    }

    static func render(_ action: Action, _ context: TemplateContext, config: Config) -> JSON {
        switch action {
        case .http(let http):
            return kind("http", http.render(context).json)
        case .script(let script):
            return .object([
                "kind": .string("script"), "path": .string(script.path),
                "content_sha256": script.contentSHA256.map(JSON.string) ?? .null,
                "interpreter": script.interpreter.map(JSON.string) ?? .null,
                "args": .array(script.args.map { .string($0.render(context)) }),
                "env": .sortedObject(script.env.mapValues { .string($0.render(context)) }),
                "stdin": .string("the event as CloudEvents JSON"),
                "timeout": .string((script.timeout ?? ScriptAction.defaultTimeout).description),
            ])
        case .integration(let use):
            let template = config.integration(named: use.integration)?.template
            var rendered: [JSON.Member] = [.init("kind", .string("integration")), .init("integration", .string(use.integration)),
                                           .init("template", template.map(JSON.string) ?? .null)]
            switch IntegrationRequest.make(use, config: config, context: context) {
            case .success(let request): rendered += request.json.objectMembers ?? []
            case .failure(let error): rendered.append(.init("error", .string(error.description)))
            }
            return .object(rendered)
        }
    }

    private static func kind(_ name: String, _ request: JSON) -> JSON {
        .object([JSON.Member("kind", .string(name))] + (request.objectMembers ?? []))
    }
}
