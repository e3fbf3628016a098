import Foundation

/// Diffs a config against the running state. Pure: no store, no clock, no randomness,
/// so the same inputs always give the same plan.
public struct Planner: Sendable {
    public init() {}

    /// Fields whose change breaks what callers rely on, so the resource is replaced.
    static let replacingFields: [ResourceKind: [String: String]] = [
        .endpoint: [
            "kind": "the endpoint changes kind; its URL and behaviour change",
            "id": "the deploy endpoint's id changes; pipelines posting to the old URL will get 404",
            "path": "the webhook's path changes; senders configured with the old URL will get 404",
        ],
    ]

    public func plan(config: Config, current: StateDocument, base: Plan.Base?, warnings: [Diagnostic] = []) -> Plan {
        var desired = Normalizer.document(config)
        carryComputedAttributes(into: &desired, from: current)
        let locations = Dictionary(
            (config.services.map { ($0.address, $0.location) } + config.endpoints.map { ($0.address, $0.location) }
                + config.templates.map { ($0.address, $0.location) } + config.integrations.map { ($0.address, $0.location) } + config.reactions.map { ($0.address, $0.location) }),
            uniquingKeysWith: { a, _ in a })
        var changes = diff(current: current, desired: desired)
        var preview: IntegrationPreview? = nil
        var previewBefore: IntegrationPreview? = nil
        for i in changes.indices {
            changes[i].location = locations[changes[i].address]
            let name = changes[i].address.name
            let updated = changes[i].action == .update || changes[i].action == .replace
            switch changes[i].address.kind {
            case .integration where changes[i].action != .delete:
                if preview == nil { preview = IntegrationPreview(config: config) }
                changes[i].preview = preview?.request(forIntegration: name)
                if updated {
                    if previewBefore == nil { previewBefore = IntegrationPreview(config: current.config().0, sample: config) }
                    changes[i].previewBefore = previewBefore?.request(forIntegration: name)
                }
            case .template where updated:
                // What the change does to the requests of the integrations built on it.
                if preview == nil { preview = IntegrationPreview(config: config) }
                if previewBefore == nil { previewBefore = IntegrationPreview(config: current.config().0, sample: config) }
                let users = config.integrations.filter { $0.template == name }.map(\.name).sorted()
                changes[i].templatePreviews = users.map { integration in
                    ResourceChange.TemplatePreview(integration: integration, before: previewBefore?.request(forIntegration: integration),
                                                   after: preview?.request(forIntegration: integration))
                }
            default:
                break
            }
        }
        var scripts: [String: [UInt8]] = [:]
        for content in config.scripts.values { scripts[SHA256.hexDigest(content)] = content }
        return Plan(base: base, changes: changes, warnings: warnings, desired: desired, scripts: scripts)
    }

    /// Deploy endpoints declared without an id keep the id the state gave them, so their
    /// URL survives every later apply.
    func carryComputedAttributes(into desired: inout StateDocument, from current: StateDocument) {
        for (address, value) in desired.resources where address.kind == .endpoint {
            guard value["kind"]?.stringValue == "deploy", value["id"] == nil,
                  let previous = current.resources[address], previous["kind"]?.stringValue == "deploy",
                  let id = previous["id"] else { continue }
            desired.resources[address] = value.setting("id", id)
        }
    }

    public func diff(current: StateDocument, desired: StateDocument) -> [ResourceChange] {
        var changes: [ResourceChange] = []
        let addresses = Set(current.resources.keys).union(desired.resources.keys).sorted()
        for address in addresses {
            let before = current.resources[address]
            let after = desired.resources[address]
            switch (before, after) {
            case (nil, let after?):
                var fields = Self.flatten(after).map { ResourceChange.FieldChange(path: $0.0, before: nil, after: $0.1) }
                if let unknown = Self.unknownAfter(address, after) {
                    fields.append(ResourceChange.FieldChange(path: unknown, before: nil, after: nil, afterUnknown: true))
                    fields.sort { $0.path < $1.path }
                }
                changes.append(ResourceChange(address: address, action: .create, before: nil, after: after, fields: fields, reasons: []))
            case (let before?, nil):
                changes.append(ResourceChange(address: address, action: .delete, before: before, after: nil, fields: [],
                                              reasons: Self.deletionReasons(address, before)))
            case (let before?, let after?) where before != after:
                var fields = Self.fieldChanges(before: before, after: after)
                let replacing = Self.replacingFields[address.kind] ?? [:]
                var reasons: [String] = []
                for i in fields.indices {
                    if let reason = replacing[fields[i].path] {
                        fields[i].forcesReplacement = true
                        reasons.append(reason)
                    }
                }
                if let unknown = Self.unknownAfter(address, after), !fields.contains(where: { $0.path == unknown }) {
                    fields.append(ResourceChange.FieldChange(path: unknown, before: before[unknown], after: nil, afterUnknown: true, forcesReplacement: true))
                    fields.sort { $0.path < $1.path }
                    reasons.append(replacing[unknown] ?? "a new id is generated")
                }
                changes.append(ResourceChange(address: address, action: reasons.isEmpty ? .update : .replace,
                                              before: before, after: after, fields: fields, reasons: reasons))
            default: break
            }
        }
        return changes
    }

    /// Deploy endpoints that still lack an id get one at apply.
    static func unknownAfter(_ address: ResourceAddress, _ after: JSON) -> String? {
        address.kind == .endpoint && after["kind"]?.stringValue == "deploy" && after["id"] == nil ? "id" : nil
    }

    static func deletionReasons(_ address: ResourceAddress, _ before: JSON) -> [String] {
        switch address.kind {
        case .endpoint: return ["the endpoint stops being served; callers of its URL will get 404"]
        case .service: return ["deploys naming this service will be recorded as suggestions"]
        case .reaction: return ["the reaction stops firing; deliveries already queued still run"]
        case .integration, .template: return []
        }
    }

    static func fieldChanges(before: JSON, after: JSON) -> [ResourceChange.FieldChange] {
        let b = Dictionary(flatten(before), uniquingKeysWith: { a, _ in a })
        let a = Dictionary(flatten(after), uniquingKeysWith: { a, _ in a })
        return Set(b.keys).union(a.keys).sorted().compactMap { path in
            b[path] == a[path] ? nil : ResourceChange.FieldChange(path: path, before: b[path], after: a[path])
        }
    }

    /// Leaves of a resource by dotted path; arrays are compared whole, as reviewers read them.
    static func flatten(_ value: JSON) -> [(String, JSON)] {
        var out: [(String, JSON)] = []
        flatten(value, path: "", into: &out)
        return out
    }

    private static func flatten(_ value: JSON, path: String, into out: inout [(String, JSON)]) {
        guard case .object(let members) = value, !(members.isEmpty && !path.isEmpty) else {
            out.append((path.isEmpty ? "(document)" : path, value))
            return
        }
        for member in members {
            flatten(member.value, path: appendingPathComponent(path, member.key), into: &out)
        }
    }

    /// `then.http` + `url`; keys that are not plain words are bracketed: `filter["payload.id"]`.
    static func appendingPathComponent(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D || b == 0x24
        }
        if plain { return path.isEmpty ? key : path + "." + key }
        return path + "[" + JSONWriter.quoted(key) + "]"
    }

    /// The document apply writes: ids generated for deploy endpoints that still need one.
    public static func finalize(_ desired: StateDocument, generateID: () -> String = { UUID().uuidString.lowercased() }) -> StateDocument {
        var out = desired
        for (address, value) in desired.resources.sorted(by: { $0.key < $1.key }) where unknownAfter(address, value) != nil {
            out.resources[address] = value.setting("id", .string(generateID()))
        }
        return out
    }
}

extension JSON {
    /// The object with `key` set (kept sorted, as normalized objects are).
    func setting(_ key: String, _ value: JSON) -> JSON {
        guard case .object(var members) = self else { return self }
        members.removeAll { $0.key == key }
        members.append(Member(key, value))
        members.sort { $0.key < $1.key }
        return .object(members)
    }
}
