import ReactionsCore
import ReactionsStore

/// Retention periods as people write them: `30d`, `12h`, `90d12h`, or `forever`.
enum RetentionInput {
    static let retentionOption = CommandSpec.Option(
        name: "retention", value: "DURATION",
        help: "Remove events, deliveries and attempts older than this (default 30d, or REACTIONS_RETENTION; forever keeps them).")
    static let deployRetentionOption = CommandSpec.Option(
        name: "deploy-retention", value: "DURATION",
        help: "Remove deploys older than this, except each service and environment's latest (default forever).")
    static let pruneIntervalOption = CommandSpec.Option(
        name: "prune-interval", value: "DURATION", help: "How often serve prunes (default 10m).")

    /// `serve`'s policy from its options and environment.
    static func policy(_ args: Arguments, _ env: [String: String], command: String) throws(CLIError) -> RetentionPolicy {
        var policy = RetentionPolicy.standard
        if let text = args.value("retention") ?? env["REACTIONS_RETENTION"] {
            policy.events = try period(text, option: "--retention", command: command)
        }
        if let text = args.value("deploy-retention") {
            policy.deploys = try period(text, option: "--deploy-retention", command: command)
        }
        return policy
    }

    /// A period, or nil for `forever`.
    static func period(_ text: String, option: String, command: String) throws(CLIError) -> DurationValue? {
        if text == "forever" { return nil }
        guard let value = DurationValue(parsing: text), value.milliseconds > 0 else {
            throw CLIError.usage("\(option) must be a duration such as 30d, 12h or 90m, or forever; not \"\(text)\"", command: command)
        }
        return value
    }
}
