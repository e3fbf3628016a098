/// An event in the CloudEvents 1.0 structured JSON envelope (DESIGN §3), with the flat,
/// lowercase extension attributes reactions adds.
public struct CloudEvent: Sendable, Equatable {
    /// Events caused by reactions carry their chain's depth; past this one they are stored
    /// but fire nothing, so two reactions that emit each other's events cannot loop.
    public static let maximumChainDepth = 8

    public var id: String
    /// `/endpoints/<name>`, `/reactions/<name>`, `/config`.
    public var source: String
    public var type: String
    /// RFC 3339.
    public var time: String
    public var subject: String?
    public var data: JSON
    public var service: String?
    public var environment: String?
    public var endpoint: String?
    public var causationID: String?
    public var chainDepth: Int = 0

    public init(id: String, source: String, type: String, time: String, subject: String?, data: JSON,
                service: String? = nil, environment: String? = nil, endpoint: String? = nil,
                causationID: String? = nil, chainDepth: Int = 0) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self.data = data
        self.service = service
        self.environment = environment
        self.endpoint = endpoint
        self.causationID = causationID
        self.chainDepth = chainDepth
    }

    public var envelope: JSON {
        .object(attributes + [.init("data", data)])
    }

    /// One attribute as `attributes` holds it, without building them all (matching reads
    /// one or two per event).
    public func attribute(_ key: String) -> JSON? {
        switch key {
        case "specversion": .string("1.0")
        case "id": .string(id)
        case "source": .string(source)
        case "type": .string(type)
        case "time": .string(time)
        case "subject": subject.map(JSON.string)
        case "datacontenttype": .string("application/json")
        case "service": service.map(JSON.string)
        case "environment": environment.map(JSON.string)
        case "endpoint": endpoint.map(JSON.string)
        case "causationid": causationID.map(JSON.string)
        case "chaindepth": .int(chainDepth)
        default: nil
        }
    }

    /// The envelope's members before `data`, in the order they are written.
    public var attributes: [JSON.Member] {
        var m: [JSON.Member] = [
            .init("specversion", .string("1.0")),
            .init("id", .string(id)),
            .init("source", .string(source)),
            .init("type", .string(type)),
            .init("time", .string(time)),
        ]
        if let subject { m.append(.init("subject", .string(subject))) }
        m.append(.init("datacontenttype", .string("application/json")))
        if let service { m.append(.init("service", .string(service))) }
        if let environment { m.append(.init("environment", .string(environment))) }
        if let endpoint { m.append(.init("endpoint", .string(endpoint))) }
        if let causationID { m.append(.init("causationid", .string(causationID))) }
        m.append(.init("chaindepth", .int(chainDepth)))
        return m
    }
}
