import ReactionsCore

/// A deploy's request body, validated, with its members ready for the stored envelope.
///
/// Lives only on the thread that parsed the request: `DeployRecord` takes from it what the
/// writer needs, and the body (its tree, if it has one) is freed where it was allocated.
public struct DeployBody: Sendable {
    /// The payload's fields, without its JSON tree (`raw` is null).
    public let payload: DeployPayload
    /// The `deploy_number` the payload sent, as sent (a string, a number, …).
    let sentDeployNumber: JSON?
    let members: Members

    enum Members {
        /// The payload's members but the ones the store sets (`isComputedData`), as
        /// `PackedJSON.writeMembers` writes them.
        case packed([UInt8])
        /// The payload's members, all of them.
        case tree([JSON.Member])
    }

    /// Parses and validates a request body, in one pass straight to packed members when the
    /// store keeps packed envelopes and the body is one `DeployBodyPacker` takes; otherwise
    /// through a JSON tree. The answer is the same either way (tested).
    public static func parse(_ body: [UInt8], form: EnvelopeForm) -> Result<DeployBody, DeployPayload.Invalid> {
        if case .packed = form, let packed = DeployBodyPacker.pack(body) {
            switch DeployPayload.validate(packed.fields, keepingRaw: false) {
            case .success(let payload):
                return .success(DeployBody(payload: payload, sentDeployNumber: packed.fields["deploy_number"], members: .packed(packed.members)))
            case .failure(let invalid):
                return .failure(invalid)
            }
        }
        return DeployPayload.parse(body).map(DeployBody.init)
    }

    /// A payload parsed into a tree (its `raw`).
    public init(_ payload: DeployPayload) {
        var fields = payload
        fields.raw = .null
        self.init(payload: fields, sentDeployNumber: payload.raw["deploy_number"],
                  members: .tree(payload.raw.objectMembers ?? []))
    }

    private init(payload: DeployPayload, sentDeployNumber: JSON?, members: Members) {
        self.payload = payload
        self.sentDeployNumber = sentDeployNumber
        self.members = members
    }

    /// Data members the store sets, whatever the payload says. (Three comparisons cost
    /// less than hashing into a set, for every member of every deploy.)
    static func isComputedData(_ key: String) -> Bool {
        key == "deploy_number" || key == "status" || key == "id"
    }

    /// The members but the computed ones, as JSON (decoded from the packed bytes if need be).
    var dataMembers: [JSON.Member] {
        switch members {
        case .tree(let members): return members.filter { !Self.isComputedData($0.key) }
        case .packed(let bytes): return PackedJSON.members(bytes) ?? []
        }
    }

    /// The members, then the ends of the data and of the envelope, in `form`.
    func tail(_ form: EnvelopeForm) -> [UInt8] {
        var tail: [UInt8] = []
        switch (form, members) {
        case (.packed, .packed(let bytes)):
            tail.reserveCapacity(bytes.count + 2)
            tail.append(contentsOf: bytes)
        case (.packed, .tree(let members)):
            tail.reserveCapacity(1024)
            PackedJSON.writeMembers(members, into: &tail, skipping: Self.isComputedData)
        case (.text, .tree(let members)):
            tail.reserveCapacity(1024)
            JSONWriter.writeMembers(members, into: &tail, skipping: Self.isComputedData)
        case (.text, .packed):
            tail.reserveCapacity(1024)
            JSONWriter.writeMembers(dataMembers, into: &tail)
        }
        switch form {
        case .text: tail.append(contentsOf: "}}".utf8)
        case .packed: tail.append(contentsOf: [0x00, 0x00])
        }
        return tail
    }
}
