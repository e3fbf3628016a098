import ReactionsCore

/// The form an event's envelope takes in the `events` table: only what its columns and
/// the CloudEvents defaults cannot give back.
///
/// Every event repeated `specversion`, `datacontenttype`, its `id`, `type` and `time` (each
/// a column of its row already) and, for deploys, a `source` and `subject` that the
/// endpoint and service imply: about 220 of every deploy's ~1,400 bytes on disk. Reading
/// rebuilds the envelope member for member in the order `CloudEvent.attributes` writes it,
/// so what users read back is byte for byte what was received.
///
/// Rows written before this form keep their full envelope (they begin with
/// `specversion`, which the compact form never holds) and are read as they are.
enum StoredEnvelope {
    /// The members to store before `data`, in order.
    static func members(of event: CloudEvent) -> [JSON.Member] {
        var m: [JSON.Member] = []
        if event.endpoint.map({ "/endpoints/" + $0 }) != event.source { m.append(.init("source", .string(event.source))) }
        // Omitted when it equals the service (nil for both included); an explicit null
        // says "no subject" where there is a service.
        if event.subject != event.service { m.append(.init("subject", event.subject.map(JSON.string) ?? .null)) }
        if let service = event.service { m.append(.init("service", .string(service))) }
        if let environment = event.environment { m.append(.init("environment", .string(environment))) }
        if let endpoint = event.endpoint { m.append(.init("endpoint", .string(endpoint))) }
        if let causationID = event.causationID { m.append(.init("causationid", .string(causationID))) }
        if event.chainDepth != 0 { m.append(.init("chaindepth", .int(event.chainDepth))) }
        return m
    }

    /// The stored text of a whole event.
    static func text(of event: CloudEvent) -> String {
        JSON.object(members(of: event) + [.init("data", event.data)]).compactText
    }

    /// The text the deploy path writes before its data: `{…members…,"data":`.
    static func head(of event: CloudEvent) -> String {
        var text: [UInt8] = [UInt8(ascii: "{")]
        let members = members(of: event)
        JSONWriter.writeMembers(members, into: &text)
        if !members.isEmpty { text.append(UInt8(ascii: ",")) }
        text.append(contentsOf: #""data":"#.utf8)
        return String(decoding: text, as: UTF8.self)
    }

    /// The envelope as received, from a stored row. Nil when the text is not an envelope
    /// this or an earlier release wrote.
    static func envelope(stored text: String, id: String, type: String, time: String) -> JSON? {
        guard let stored = try? JSONParser.value(text), let members = stored.objectMembers else { return nil }
        if members.first?.key == "specversion" { return stored }
        return event(members: members, id: id, type: type, time: time)?.envelope
    }

    /// Only the data of a stored row (a deploy's payload needs no more).
    static func data(stored text: String) -> JSON? {
        (try? JSONParser.value(text))?["data"]
    }

    private static func event(members: [JSON.Member], id: String, type: String, time: String) -> CloudEvent? {
        var event = CloudEvent(id: id, source: "", type: type, time: time, subject: nil, data: .null)
        var source: String? = nil
        var subject: JSON? = nil
        for member in members {
            switch member.key {
            case "source": source = member.value.stringValue
            case "subject": subject = member.value
            case "service": event.service = member.value.stringValue
            case "environment": event.environment = member.value.stringValue
            case "endpoint": event.endpoint = member.value.stringValue
            case "causationid": event.causationID = member.value.stringValue
            case "chaindepth":
                guard let depth = member.value.intValue else { return nil }
                event.chainDepth = depth
            case "data": event.data = member.value
            default: return nil
            }
        }
        guard let source = source ?? event.endpoint.map({ "/endpoints/" + $0 }) else { return nil }
        event.source = source
        if let subject { event.subject = subject.stringValue } else { event.subject = event.service }
        return event
    }
}
