import ReactionsCore

/// Revisions as the admin API carries them, so a remote `plan`/`apply` works against a
/// running `serve` exactly as against a local state file: one encoding, read and written
/// here, by the server and by the CLI's remote store.
public enum RevisionWire {
    public static func json(_ info: RevisionInfo) -> JSON {
        .object([
            .init("number", .int(info.number)), .init("hash", .string(info.hash)), .init("created_at", .string(info.createdAt)),
            .init("created_by", .string(info.createdBy)), .init("source", .string(info.source)),
            // The store keeps no replace count for past revisions, so none is shown for them.
            .init("summary", summaryJSON(info.summary, replace: false)),
        ])
    }

    static func summaryJSON(_ s: Plan.Summary, replace: Bool) -> JSON {
        var members: [JSON.Member] = [.init("add", .int(s.add)), .init("change", .int(s.change)), .init("destroy", .int(s.destroy))]
        if replace { members.append(.init("replace", .int(s.replace))) }
        return .object(members)
    }

    public static func info(_ json: JSON) -> RevisionInfo? {
        guard let number = json["number"]?.intValue, let hash = json["hash"]?.stringValue else { return nil }
        return RevisionInfo(number: number, hash: hash, createdAt: json["created_at"]?.stringValue ?? "",
                            createdBy: json["created_by"]?.stringValue ?? "", source: json["source"]?.stringValue ?? "",
                            summary: summary(json["summary"]))
    }

    static func summary(_ json: JSON?) -> Plan.Summary {
        Plan.Summary(add: json?["add"]?.intValue ?? 0, change: json?["change"]?.intValue ?? 0,
                     destroy: json?["destroy"]?.intValue ?? 0, replace: json?["replace"]?.intValue ?? 0)
    }

    /// A revision with its document, and with its scripts' contents (base64, by SHA-256)
    /// when asked: a remote plan diffs changed scripts against them.
    public static func json(_ revision: Revision, scripts: Bool = false) -> JSON {
        var members = json(revision.info).objectMembers ?? []
        members.append(.init("document", revision.document.json))
        if scripts { members.append(.init("scripts", .sortedObject(revision.scripts.mapValues { .string(Base64.encode($0)) }))) }
        return .object(members)
    }

    public static func revision(_ json: JSON) -> Revision? {
        guard let info = info(json), let documentJSON = json["document"], let document = try? StateDocument(json: documentJSON) else { return nil }
        var scripts: [String: [UInt8]] = [:]
        for member in json["scripts"]?.objectMembers ?? [] {
            // Kept only when the content is what its name says.
            guard let bytes = member.value.stringValue.flatMap(Base64.decode), SHA256.hexDigest(bytes) == member.key else { continue }
            scripts[member.key] = bytes
        }
        return Revision(info: info, document: document, scripts: scripts)
    }

    /// `POST /api/v1/revisions`: a commit and the head it expects.
    public static func json(_ commit: RevisionCommit, expectedBase: Int?) -> JSON {
        .object([
            .init("expected_base", expectedBase.map(JSON.int) ?? .null),
            .init("document", commit.document.json),
            .init("scripts", .sortedObject(commit.scripts.mapValues { .string(Base64.encode($0)) })),
            .init("created_by", .string(commit.createdBy)), .init("source", .string(commit.source)),
            .init("summary", summaryJSON(commit.summary, replace: true)),
        ])
    }

    public enum CommitError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self { case .malformed(let why): return "the commit is malformed: \(why)" }
        }
    }

    public static func commit(_ json: JSON) throws(CommitError) -> (RevisionCommit, expectedBase: Int?) {
        guard let documentJSON = json["document"] else { throw .malformed("it has no document") }
        let document: StateDocument
        do { document = try StateDocument(json: documentJSON) } catch { throw .malformed(error.description) }
        var scripts: [String: [UInt8]] = [:]
        for member in json["scripts"]?.objectMembers ?? [] {
            guard let text = member.value.stringValue, let bytes = Base64.decode(text) else { throw .malformed("script \(member.key) is not base64") }
            scripts[member.key] = bytes
        }
        guard let createdBy = json["created_by"]?.stringValue, let source = json["source"]?.stringValue else {
            throw .malformed("created_by and source are required")
        }
        let expected: Int?
        switch json["expected_base"] {
        case nil, .null?: expected = nil
        case let value?:
            guard let n = value.intValue else { throw .malformed("expected_base must be a revision number or null") }
            expected = n
        }
        return (RevisionCommit(document: document, scripts: scripts, createdBy: createdBy, source: source, summary: summary(json["summary"])),
                expected)
    }
}
