/// A reaction maps events, through a filter, to one action.
public struct Reaction: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var enabled: Bool
    public var trigger: Trigger
    public var action: Action
    public var retry: RetryPolicy?
    public var location: SourceLocation
    /// Every template the reaction's action uses, with where it was written, so the
    /// validator can check variables against the events the reaction receives.
    public var templateUses: [TemplateUse] = []

    public var address: ResourceAddress { ResourceAddress(.reaction, name) }
}

/// `when`: which events a reaction considers.
public struct Trigger: Sendable, Hashable {
    /// Event types or families (`deploy.*`); empty means "whatever `endpoint` emits".
    public var events: [String]
    /// Only events from this endpoint.
    public var endpoint: String?
    public var filter: Filter
    public var location: SourceLocation
}

/// `retry`: a reaction's override of the default delivery schedule.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int?
    public var initialDelay: DurationValue?
    public var maxDelay: DurationValue?
}

public struct TemplateUse: Sendable, Hashable {
    public var template: Template
    public var location: SourceLocation
}
