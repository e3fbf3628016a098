/// The versioning path of config documents (`reactions migrate`).
///
/// Each step rewrites a document of version N as version N+1. Version 1 is the first
/// published version, so there are no steps yet; the next breaking change adds one here
/// and keeps every older document loadable through `migrate`.
public enum ConfigMigrations {
    public struct Step: Sendable {
        public var from: Int
        public var summary: String
        public var apply: @Sendable (JSON) -> JSON
    }

    public static let steps: [Step] = []

    public static var oldestSupported: Int { steps.map(\.from).min() ?? ConfigDocument.currentVersion }

    static func unsupportedVersionMessage(_ version: Int) -> String {
        if version > ConfigDocument.currentVersion {
            return "config version \(version) is newer than this reactions understands (it reads version \(ConfigDocument.currentVersion))"
        }
        if version >= oldestSupported {
            return "config version \(version) is older than the current version \(ConfigDocument.currentVersion)"
        }
        return "config version \(version) is unknown; the only version is \(ConfigDocument.currentVersion)"
    }

    public enum Outcome: Sendable, Equatable {
        case current
        case migrated(JSON, from: Int)
        case unsupported(String)
    }

    /// Brings a raw document to the current version.
    public static func migrate(_ document: JSON) -> Outcome {
        guard let version = document["version"]?.intValue else {
            return .unsupported("the document has no whole-number \"version\"; add \"version\": \(ConfigDocument.currentVersion)")
        }
        if version == ConfigDocument.currentVersion { return .current }
        guard version >= oldestSupported, version < ConfigDocument.currentVersion else {
            return .unsupported(unsupportedVersionMessage(version))
        }
        var doc = document
        var v = version
        while v < ConfigDocument.currentVersion, let step = steps.first(where: { $0.from == v }) {
            doc = step.apply(doc)
            v += 1
        }
        return .migrated(doc, from: version)
    }
}
