import ReactionsCore

/// How a store keeps event envelopes (`StoredEnvelope`).
public enum EnvelopeForm: Sendable {
    case text, packed
}

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
///
/// SQLite stores the same value packed (`PackedJSON`, a blob), PostgreSQL as text: each
/// store says which it takes (`DeployStore.envelopeForm`), so the deploy path prepares the
/// right one on the request's thread.
enum StoredEnvelope {
    /// An envelope as a row holds it: text (PostgreSQL, and SQLite rows written before
    /// packing; they stay as written) or packed (SQLite).
    enum Stored {
        case text(String)
        case packed([UInt8])
    }

    /// The members to store before `data`, in order.
    static func members(of event: CloudEvent) -> [JSON.Member] {
        var m: [JSON.Member] = []
        if !impliesSource(event) { m.append(.init("source", .string(event.source))) }
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

    /// Whether the event's source is the one its endpoint implies (`/endpoints/<name>`),
    /// compared byte for byte without building it.
    static func impliesSource(_ event: CloudEvent) -> Bool {
        guard let endpoint = event.endpoint else { return false }
        let source = event.source.utf8, prefix = "/endpoints/".utf8
        return source.count == prefix.count + endpoint.utf8.count && source.starts(with: prefix)
            && source.dropFirst(prefix.count).elementsEqual(endpoint.utf8)
    }

    /// The stored text of a whole event.
    static func text(of event: CloudEvent) -> String {
        JSON.object(members(of: event) + [.init("data", event.data)]).compactText
    }

    /// The packed form of a whole event (`PackedJSON`).
    static func packed(of event: CloudEvent) -> [UInt8] {
        PackedJSON.pack(.object(members(of: event) + [.init("data", event.data)]))
    }

    /// What the deploy path writes before its data's members, in `form`: `{…members…,"data":{`
    /// as text, or the packed equivalent.
    static func head(of event: CloudEvent, form: EnvelopeForm) -> [UInt8] {
        switch form {
        case .text:
            let members = members(of: event)
            var text: [UInt8] = [UInt8(ascii: "{")]
            JSONWriter.writeMembers(members, into: &text)
            if !members.isEmpty { text.append(UInt8(ascii: ",")) }
            text.append(contentsOf: #""data":{"#.utf8)
            return text
        case .packed:
            return packedHead(of: event)
        }
    }

    /// `head` packed, member by member as `members(of:)` lists them, without building that
    /// list: this runs for every deploy, and the list cost a string and an array for each.
    private static func packedHead(of event: CloudEvent) -> [UInt8] {
        typealias Name = PackedJSON.Name
        var out: [UInt8] = []
        out.reserveCapacity(128)
        out.append(PackedJSON.marker)
        out.append(0x04)
        func member(_ name: UInt8, _ value: String?) {
            guard let value else { return }
            out.append(name)
            PackedJSON.writeString(value, into: &out)
        }
        if !impliesSource(event) { member(Name.source, event.source) }
        if event.subject != event.service {
            out.append(Name.subject)
            if let subject = event.subject { PackedJSON.writeString(subject, into: &out) } else { out.append(0x01) }
        }
        member(Name.service, event.service)
        member(Name.environment, event.environment)
        member(Name.endpoint, event.endpoint)
        member(Name.causationID, event.causationID)
        if event.chainDepth != 0 {
            out.append(Name.chainDepth)
            PackedJSON.write(.int(event.chainDepth), into: &out)
        }
        out.append(Name.data)
        out.append(0x04)
        return out
    }

    /// The whole stored value: the envelope's members and `data`, as one object.
    static func value(_ stored: Stored) -> JSON? {
        switch stored {
        case .text(let text): try? JSONParser.value(text)
        case .packed(let bytes): PackedJSON.value(bytes)
        }
    }

    /// The stored value as text (what `state copy` carries between stores).
    static func text(of stored: Stored) -> String? {
        switch stored {
        case .text(let text): text
        case .packed: value(stored)?.compactText
        }
    }

    /// The envelope as received, from a stored row. Nil when the row is not an envelope
    /// this or an earlier release wrote.
    static func envelope(stored: Stored, id: String, type: String, time: String) -> JSON? {
        guard let value = value(stored), let members = value.objectMembers else { return nil }
        if members.first?.key == "specversion" { return value }
        return event(members: members, id: id, type: type, time: time)?.envelope
    }

    static func envelope(stored text: String, id: String, type: String, time: String) -> JSON? {
        envelope(stored: .text(text), id: id, type: type, time: time)
    }

    /// Only the data of a stored row (a deploy's payload needs no more).
    static func data(stored: Stored) -> JSON? {
        value(stored)?["data"]
    }

    static func data(stored text: String) -> JSON? {
        data(stored: .text(text))
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
