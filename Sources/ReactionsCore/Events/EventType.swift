/// The event types of DESIGN §3 and the patterns reactions may subscribe with.
public enum EventType {
    public static let deployStarted = "deploy.started"
    public static let deploySucceeded = "deploy.succeeded"
    public static let deployFailed = "deploy.failed"
    public static let serviceSuggested = "service.suggested"
    public static let webhookReceived = "webhook.received"
    public static let configApplied = "config.applied"
    public static let reactionFailed = "reaction.failed"

    public static let deployTypes = [deployStarted, deploySucceeded, deployFailed]
    public static let builtIn = deployTypes + [serviceSuggested, webhookReceived, configApplied, reactionFailed]

    /// Whether `pattern` is something a reaction may list in `when.events`: a built-in type,
    /// a family wildcard such as `deploy.*`, or `custom.<name>` (with an optional `.*` tail).
    public static func isValidPattern(_ pattern: String) -> Bool {
        if builtIn.contains(pattern) { return true }
        if pattern.hasSuffix(".*") {
            let family = String(pattern.dropLast(2))
            if builtIn.contains(where: { $0.hasPrefix(family + ".") }) { return true }
            return isCustom(family) || family == "custom"
        }
        return isCustom(pattern)
    }

    public static func isCustom(_ type: String) -> Bool {
        guard type.hasPrefix("custom."), type.count > 7, type.count <= 128 else { return false }
        let rest = type.dropFirst(7)
        return !rest.hasPrefix(".") && !rest.hasSuffix(".") && !rest.contains("..")
            && rest.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "_" }
    }

    /// The built-in types a pattern can match; custom patterns expand to `["custom"]`,
    /// which stands for the whole custom family when checking template variables.
    public static func expand(_ pattern: String) -> [String] {
        if builtIn.contains(pattern) { return [pattern] }
        if pattern.hasPrefix("custom.") || pattern == "custom.*" { return ["custom"] }
        if pattern.hasSuffix(".*") {
            let family = String(pattern.dropLast(1))
            return builtIn.filter { $0.hasPrefix(family) }
        }
        return []
    }

    public static func matches(pattern: String, type: String) -> Bool {
        if pattern.hasSuffix(".*") { return type.hasPrefix(String(pattern.dropLast(1))) }
        return pattern == type
    }
}
