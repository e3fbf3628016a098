import ReactionsCore
import ReactionsStore

/// `plan --replay DURATION` and `--replay-events N`: which recorded events to replay, and
/// replaying them where they are kept (the local state, or the server with `--server`).
enum ReplayInput {
    static let options: [CommandSpec.Option] = [
        .init(name: "replay", value: "DURATION",
              help: "Also replay the events recorded in that window (7d, 12h, or a time such as 2026-12-01) against the running revision and this plan."),
        .init(name: "replay-events", value: "N", help: "Replay the newest N recorded events (within --replay's window when both are given)."),
    ]

    struct Window {
        var since: Int64?
        var limit: Int?
        var now: Int64
    }

    /// nil when no replay was asked for.
    static func window(_ args: Arguments, command: String) throws(CLIError) -> Window? {
        let now = Timestamp.epochMilliseconds()
        var window = Window(since: nil, limit: nil, now: now)
        if let text = args.value("replay") {
            guard let since = DeployStats.since(text, now: now) else {
                throw CLIError.usage("--replay takes a duration such as 7d or 12h, or a time such as 2026-12-01T00:00:00Z", command: command)
            }
            window.since = since
        }
        if let text = args.value("replay-events") {
            guard let n = Int(text), n > 0 else { throw CLIError.usage("--replay-events takes a positive number of events", command: command) }
            window.limit = n
        }
        return window.since == nil && window.limit == nil ? nil : window
    }

    /// Replays against `head` (the running revision) and the plan's desired state.
    static func run(_ window: Window, plan: Plan, head: Revision?, statePath: String, remote: RemoteStateStore?) throws(CLIError) -> Replay {
        if let remote {
            return try StateInput.call { () throws(StoreError) in try remote.replay(desired: plan.desired, since: window.since, limit: window.limit) }
        }
        let backend = StateInput.backend(statePath)
        guard backend.exists else {
            // Nothing recorded yet: an empty replay says so rather than failing the plan.
            return Replayer(before: .empty, after: plan.desired).finish(since: window.since.map(Timestamp.format(milliseconds:)),
                                                                       until: Timestamp.format(milliseconds: window.now))
        }
        return try StateInput.call { () throws(StoreError) in
            try EventReplay.run(try backend.deployStore(writer: false), before: head?.document ?? .empty, after: plan.desired,
                                since: window.since, limit: window.limit, now: window.now)
        }
    }
}
