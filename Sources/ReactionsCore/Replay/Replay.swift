/// What a planned config would have done with the events already recorded, set against what
/// the running revision does with them: `plan --replay 7d` (issue 14).
///
/// A plan says what changes in the config; a replay says what changes in behaviour: which
/// reactions start or stop firing, on which events, and what the changed ones would send.
/// Its JSON is part of the plan format (`"replay"`), so fields are only ever added.
public struct Replay: Sendable, Equatable {
    public struct Window: Sendable, Equatable {
        /// The oldest time replayed from (the requested start, or the oldest event's time
        /// when the window is a count of events); nil when nothing was recorded.
        public var since: String?
        public var until: String
        public var events: Int

        public init(since: String?, until: String, events: Int) {
            self.since = since
            self.until = until
            self.events = events
        }
    }

    /// An event shown as an example, without its data: enough to find it (`explain ID`).
    public struct Example: Sendable, Equatable {
        public var id: String
        public var type: String
        public var service: String?
        public var environment: String?
        public var time: String

        public init(id: String, type: String, service: String?, environment: String?, time: String) {
            self.id = id
            self.type = type
            self.service = service
            self.environment = environment
            self.time = time
        }
    }

    /// How the plan changes a reaction, as the replay saw it in the two documents.
    public enum Change: String, Sendable, Equatable {
        case created, changed, deleted
        /// The reaction is the same but an integration it uses changed.
        case integrationChanged = "integration_changed"
    }

    public struct Outcome: Sendable, Equatable {
        public var name: String
        /// nil: unchanged, listed because what it fires on changes (a service it filters on
        /// was renamed, say).
        public var change: Change?
        /// Events that fire it under the running revision, and under the plan.
        public var before = 0
        public var after = 0
        /// Events that fire it only under the plan, and only under the running revision.
        public var started = 0
        public var stopped = 0
        /// The newest of each, at most `Replay.examplesPerKind`.
        public var startedExamples: [Example] = []
        public var stoppedExamples: [Example] = []
        /// The action as the plan would render it for one event (a started one when there is
        /// one), secrets as their names, nothing sent; and for that same event as the running
        /// revision renders it, when it fires there too and renders differently.
        public var rendered: Rendered? = nil

        public init(name: String, change: Change?) {
            self.name = name
            self.change = change
        }

        public var changesBehaviour: Bool { started > 0 || stopped > 0 }
    }

    public struct Rendered: Sendable, Equatable {
        public var event: String
        public var after: JSON
        public var before: JSON?

        public init(event: String, after: JSON, before: JSON?) {
            self.event = event
            self.after = after
            self.before = before
        }
    }

    public static let examplesPerKind = 5

    public var window: Window
    /// Reactions the plan changes, and any other whose firing changes; by name.
    public var reactions: [Outcome]
    /// Events no reaction fires, under the running revision and under the plan: coverage.
    public var unmatchedBefore: Int
    public var unmatchedAfter: Int

    public init(window: Window, reactions: [Outcome], unmatchedBefore: Int, unmatchedAfter: Int) {
        self.window = window
        self.reactions = reactions
        self.unmatchedBefore = unmatchedBefore
        self.unmatchedAfter = unmatchedAfter
    }

    /// Reactions whose firing changes.
    public var behaviourChanges: [Outcome] { reactions.filter(\.changesBehaviour) }
}
