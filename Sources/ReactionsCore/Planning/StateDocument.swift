/// The declared resources of one revision, normalized: what the store keeps and what plans
/// compare. Script contents are kept beside it, addressed by their SHA-256.
public struct StateDocument: Sendable, Equatable {
    public var resources: [ResourceAddress: JSON]

    public init(resources: [ResourceAddress: JSON] = [:]) { self.resources = resources }

    public static let empty = StateDocument()

    /// The document as a config v1 document (resources sorted by name), so a revision can be
    /// read back with the same decoder as the files it came from.
    public var json: JSON {
        var members = [JSON.Member("version", .int(ConfigDocument.currentVersion))]
        for kind in ResourceKind.allCases {
            let items = resources.keys.filter { $0.kind == kind }.sorted().compactMap { resources[$0] }
            if !items.isEmpty { members.append(JSON.Member(kind.collectionKey, .array(items))) }
        }
        return .object(members)
    }

    /// SHA-256 of the compact canonical form: equal documents have equal hashes.
    public var hash: String { SHA256.hexDigest(json.compactText) }

    public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self { case .malformed(let why): return "the stored revision is malformed: \(why)" }
        }
    }

    public init(json: JSON) throws(DecodeError) {
        guard json["version"]?.intValue == ConfigDocument.currentVersion else {
            throw .malformed("it has no \"version\": \(ConfigDocument.currentVersion)")
        }
        var resources: [ResourceAddress: JSON] = [:]
        for kind in ResourceKind.allCases {
            for item in json[kind.collectionKey]?.arrayValue ?? [] {
                guard let name = item["name"]?.stringValue else { throw .malformed("a \(kind.rawValue) has no name") }
                resources[ResourceAddress(kind, name)] = item
            }
        }
        self.resources = resources
    }

    /// SHA-256 digests of the scripts the document's reactions run.
    public var scriptDigests: Set<String> {
        Set(resources.values.compactMap { $0["then"]?["script"]?["content_sha256"]?.stringValue })
    }

    /// The declared services alone, decoded without the rest of a possibly large revision.
    public var services: [Service] {
        StateDocument(resources: resources.filter { $0.key.kind == .service }).config().0.services
    }

    /// Decodes the document back into a model (for the runtime and `endpoints`).
    public func config() -> (Config, [Diagnostic]) {
        let node = JSONNode(json: json)
        let (document, diagnostics) = ConfigDocument.decode(node, file: "(state)", allowComputed: true)
        var config = Config()
        config.merge(document)
        return (config, diagnostics)
    }
}

extension JSONNode {
    /// A node without positions, for decoding stored JSON with the config decoder.
    public init(json: JSON) {
        let origin = SourcePosition(line: 0, column: 0)
        switch json {
        case .null: self.init(kind: .null, position: origin)
        case .bool(let b): self.init(kind: .bool(b), position: origin)
        case .number(let n): self.init(kind: .number(n), position: origin)
        case .string(let s): self.init(kind: .string(s), position: origin)
        case .array(let items): self.init(kind: .array(items.map(JSONNode.init(json:))), position: origin)
        case .object(let members):
            self.init(kind: .object(members.map { Member(key: $0.key, keyPosition: origin, value: JSONNode(json: $0.value)) }), position: origin)
        }
    }
}
