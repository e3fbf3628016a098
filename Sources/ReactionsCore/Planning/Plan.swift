/// The difference between the running state and a config, ready to review and apply.
public struct Plan: Sendable {
    /// The revision the plan was made against; nil for an empty state.
    public struct Base: Sendable, Hashable {
        public var number: Int
        public var hash: String
        public init(number: Int, hash: String) {
            self.number = number
            self.hash = hash
        }
    }

    public var base: Base?
    public var changes: [ResourceChange]
    public var warnings: [Diagnostic]
    /// What apply writes (generated ids still missing: they are made at apply time).
    public var desired: StateDocument
    /// Contents of the scripts `desired` runs, by SHA-256.
    public var scripts: [String: [UInt8]]
    /// Where the plan was made; nil in plan files saved before it was recorded.
    public var state: StateLocation? = nil
    /// What the change does to recorded events (`plan --replay`); nil when not asked.
    public var replay: Replay? = nil

    public init(base: Base?, changes: [ResourceChange], warnings: [Diagnostic], desired: StateDocument, scripts: [String: [UInt8]]) {
        self.base = base
        self.changes = changes
        self.warnings = warnings
        self.desired = desired
        self.scripts = scripts
    }

    public var hasChanges: Bool { !changes.isEmpty }

    public struct Summary: Sendable, Hashable {
        public var add = 0, change = 0, destroy = 0, replace = 0

        public init(add: Int = 0, change: Int = 0, destroy: Int = 0, replace: Int = 0) {
            self.add = add
            self.change = change
            self.destroy = destroy
            self.replace = replace
        }
    }

    /// Replacements count as one add and one destroy, as Terraform counts them.
    public var summary: Summary {
        var s = Summary()
        for change in changes {
            switch change.action {
            case .create: s.add += 1
            case .update: s.change += 1
            case .delete: s.destroy += 1
            case .replace: s.add += 1; s.destroy += 1; s.replace += 1
            }
        }
        return s
    }

    /// `Plan: 1 to add, 2 to change, 0 to destroy.`
    public var summaryLine: String {
        let s = summary
        return "Plan: \(s.add) to add, \(s.change) to change, \(s.destroy) to destroy."
    }

    public var destructiveChanges: [ResourceChange] { changes.filter(\.isDestructive) }
}

public struct ResourceChange: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        case create, update, delete, replace

        /// `+`, `~`, `-`, `-/+`: the symbols reviewers know from Terraform.
        public var symbol: String {
            switch self {
            case .create: return "+"
            case .update: return "~"
            case .delete: return "-"
            case .replace: return "-/+"
            }
        }
    }

    public struct FieldChange: Sendable, Hashable {
        /// Dotted path inside the resource: `then.http.url`.
        public var path: String
        public var before: JSON?
        public var after: JSON?
        /// The value is computed at apply (a generated endpoint id).
        public var afterUnknown: Bool = false
        /// Changing this field replaces the resource.
        public var forcesReplacement: Bool = false
    }

    public var address: ResourceAddress
    public var action: Action
    public var before: JSON?
    public var after: JSON?
    public var fields: [FieldChange]
    /// Why a change is destructive, in words a reviewer can act on.
    public var reasons: [String]
    /// Where the resource is declared (nil for deletions: it no longer is).
    public var location: SourceLocation?
    /// For an integration: the request it sends, rendered for a sample deploy.
    public var preview: RenderedRequest? = nil
    /// For a changed integration: the request the running revision sends for that deploy.
    public var previewBefore: RenderedRequest? = nil
    /// For a changed template: what each integration using it sends, before and after.
    public var templatePreviews: [TemplatePreview] = []
    /// For a reaction whose script content changes: the diff (`Plan.attachScriptDiffs`).
    public var scriptDiff: ScriptDiff? = nil

    public struct TemplatePreview: Sendable, Hashable {
        public var integration: String
        public var before: RenderedRequest?
        public var after: RenderedRequest?
    }

    public var isDestructive: Bool { action == .delete || action == .replace }
}
