import Foundation

/// The JSON form of a plan (`plan --format json`) and of a saved plan file (`plan --out`).
///
/// The format is a promise: fields are only ever added. `format_version` changes its
/// major number if a field's meaning ever changes. A saved plan adds `desired` and
/// `scripts` so that `apply PLANFILE` writes exactly what was reviewed.
public enum PlanJSON {
    public static let formatVersion = "1.0"
    static let planFileKind = "reactions-plan"

    public static func encode(_ plan: Plan, asFile: Bool = false) -> JSON {
        var members: [JSON.Member] = [
            .init("format_version", .string(formatVersion)),
        ]
        if asFile { members.append(.init("kind", .string(planFileKind))) }
        if let state = plan.state { members.append(.init("state", state.json)) }
        members.append(.init("base_revision", plan.base.map { .object(["number": .int($0.number), "hash": .string($0.hash)]) } ?? .null))
        let s = plan.summary
        members.append(.init("summary", .object(["add": .int(s.add), "change": .int(s.change), "destroy": .int(s.destroy), "replace": .int(s.replace)])))
        members.append(.init("changes", .array(plan.changes.map(change))))
        members.append(.init("warnings", .array(plan.warnings.map(diagnostic))))
        if let replay = plan.replay { members.append(.init("replay", replay.json)) }
        if asFile {
            members.append(.init("desired", plan.desired.json))
            members.append(.init("scripts", .sortedObject(plan.scripts.mapValues { .string(Data($0).base64EncodedString()) })))
        }
        return .object(members)
    }

    static func change(_ c: ResourceChange) -> JSON {
        var m: [JSON.Member] = [
            .init("address", .string(c.address.description)),
            .init("kind", .string(c.address.kind.rawValue)),
            .init("name", .string(c.address.name)),
            .init("action", .string(c.action.rawValue)),
            .init("destructive", .bool(c.isDestructive)),
            .init("source", c.location.map(source) ?? .null),
            .init("before", c.before ?? .null),
            .init("after", c.after ?? .null),
            .init("after_unknown", .array(c.fields.filter(\.afterUnknown).map { .string($0.path) })),
            .init("fields", .array(c.fields.map { f in
                .object(["path": .string(f.path), "before": f.before ?? .null, "after": f.after ?? .null,
                         "after_unknown": .bool(f.afterUnknown), "forces_replacement": .bool(f.forcesReplacement)])
            })),
        ]
        m.append(.init("reasons", .array(c.reasons.map(JSON.string))))
        if let preview = c.preview { m.append(.init("renders", preview.json)) }
        if let before = c.previewBefore { m.append(.init("renders_before", before.json)) }
        if !c.templatePreviews.isEmpty {
            m.append(.init("integrations_render", .array(c.templatePreviews.map { p in
                .object([.init("integration", .string(p.integration)), .init("before", p.before?.json ?? .null), .init("after", p.after?.json ?? .null)])
            })))
        }
        if let diff = c.scriptDiff { m.append(.init("content_diff", .string(diff.text))) }
        return .object(m)
    }

    static func source(_ l: SourceLocation) -> JSON {
        .object(["file": .string(l.file), "line": .int(l.position.line), "column": .int(l.position.column), "pointer": .string(l.pointer.description)])
    }

    public static func diagnostic(_ d: Diagnostic) -> JSON {
        .object(["severity": .string(d.severity.rawValue), "message": .string(d.message), "hint": d.hint.map(JSON.string) ?? .null,
                 "resource": d.resource.map { .string($0.description) } ?? .null, "source": d.location.map(source) ?? .null])
    }

    public enum FileError: Error, Sendable, Equatable, CustomStringConvertible {
        case notAPlan(String)
        public var description: String {
            switch self { case .notAPlan(let why): return "this is not a reactions plan file: \(why); create one with `reactions plan --out FILE`" }
        }
    }

    /// Reads a saved plan: what apply needs (the base and the desired state), and the replay
    /// reviewed with it.
    public static func decodeFile(_ json: JSON) throws(FileError) -> Plan {
        guard json["kind"]?.stringValue == planFileKind else { throw .notAPlan("it has no \"kind\": \"\(planFileKind)\"") }
        guard let version = json["format_version"]?.stringValue, version.hasPrefix("1.") else {
            throw .notAPlan("its format_version is not 1.x")
        }
        var base: Plan.Base? = nil
        if let b = json["base_revision"], b != .null {
            guard let n = b["number"]?.intValue, let h = b["hash"]?.stringValue else { throw .notAPlan("base_revision is malformed") }
            base = Plan.Base(number: n, hash: h)
        }
        guard let desiredJSON = json["desired"], let desired = try? StateDocument(json: desiredJSON) else {
            throw .notAPlan("it has no readable \"desired\" state")
        }
        var scripts: [String: [UInt8]] = [:]
        for member in json["scripts"]?.objectMembers ?? [] {
            guard let text = member.value.stringValue, let data = Data(base64Encoded: text),
                  SHA256.hexDigest([UInt8](data)) == member.key else {
                throw .notAPlan("the snapshot of script \(member.key) is corrupt")
            }
            scripts[member.key] = [UInt8](data)
        }
        for digest in desired.scriptDigests where scripts[digest] == nil {
            throw .notAPlan("the script with SHA-256 \(digest) is missing")
        }
        var state: StateLocation? = nil
        if let s = json["state"], s != .null {
            guard let location = StateLocation(json: s) else { throw .notAPlan("\"state\" is malformed") }
            state = location
        }
        // Changes are recomputed against the base when applying; the saved list is for reading.
        var plan = Plan(base: base, changes: [], warnings: [], desired: desired, scripts: scripts)
        plan.state = state
        if let r = json["replay"], r != .null {
            guard let replay = Replay(json: r) else { throw .notAPlan("\"replay\" is malformed") }
            plan.replay = replay
        }
        return plan
    }
}
