import ReactionsCore

/// A deploy to record, as the deploy endpoint accepted it.
///
/// A class, immutable: it is handed from the request's thread through the writer's queue
/// and batch, and each of those copies of a struct retained every string in it.
public final class DeployRecord: Sendable {
    public let endpoint: String
    /// The payload's fields without its JSON tree (`raw` is null): the tree's members are
    /// packed into `dataTail`, and the tree is freed on the request's thread, which
    /// allocated it, not by the writer (a free into another thread's arena takes its lock).
    public let payload: DeployPayload
    /// The `deploy_number` the payload sent, as sent (a string, a number, …).
    let sentDeployNumber: JSON?
    /// The declared service the payload's `service` matched (by name or alias); nil: a suggestion.
    public let serviceName: String?
    public let receivedAt: String
    /// The revision the endpoint was served under.
    public let revision: Int

    /// Bytes prepared where the request was parsed, so the single writer only binds and
    /// inserts: the event's envelope in its stored form (`StoredEnvelope`, text or packed
    /// as the store takes it) up to its data's first member, and the rest.
    let eventID: String
    let form: EnvelopeForm
    let envelopeHead: [UInt8]
    /// The payload's members without `deploy_number`, `status` and `id`, then the ends of
    /// the data and the envelope.
    let dataTail: [UInt8]
    /// The reactions the deploy's event fires, matched here on the request's thread with
    /// the revision's `matcher`; the writer only settles the clauses on its id and number.
    let firings: Firings
    /// For a service no declared one matches: the `service.suggested` event the store
    /// raises if this is the first deploy naming it, built and matched here too.
    let suggestion: (event: CloudEvent, firings: Firings)?

    /// `cause`: the event whose reaction recorded this deploy through the API, and its chain
    /// depth; the deploy's event is one level deeper, so reactions cannot loop through deploys.
    public convenience init(endpoint: String, payload: DeployPayload, serviceName: String?, receivedAt: String, revision: Int,
                            matcher: ReactionMatcher? = nil, cause: (eventID: String, depth: Int)? = nil, form: EnvelopeForm = .packed) {
        self.init(endpoint: endpoint, body: DeployBody(payload), serviceName: serviceName, receivedAt: receivedAt, revision: revision,
                  matcher: matcher, cause: cause, form: form)
    }

    public init(endpoint: String, body: DeployBody, serviceName: String?, receivedAt: String, revision: Int, matcher: ReactionMatcher? = nil,
                cause: (eventID: String, depth: Int)? = nil, form: EnvelopeForm = .packed) {
        self.endpoint = endpoint
        let payload = body.payload
        self.payload = payload
        sentDeployNumber = body.sentDeployNumber
        self.serviceName = serviceName
        self.receivedAt = receivedAt
        self.revision = revision
        self.form = form
        eventID = EventID.make()
        let service = serviceName ?? payload.service
        let type = payload.status.eventType
        let event = CloudEvent(id: eventID, source: "/endpoints/" + endpoint, type: type, time: receivedAt, subject: service,
                               data: .null, service: service, environment: payload.environment, endpoint: endpoint,
                               causationID: cause?.eventID, chainDepth: cause.map { $0.depth + 1 } ?? 0)
        // Written straight to bytes: building the envelope as a value to serialise it
        // cost more than parsing the request.
        envelopeHead = StoredEnvelope.head(of: event, form: form)
        dataTail = body.tail(form)
        if let matcher, matcher.mayFire(type, service, endpoint) {
            let sent = sentDeployNumber
            let status = payload.status.rawValue
            // The data as the store will write it, its id and (unless sent) number to come:
            // built only if a clause reads it.
            let matched = MatchedEvent(event) {
                let members = body.dataMembers
                var data: [JSON.Member] = []
                data.reserveCapacity(members.count + 3)
                if let sent { data.append(.init("deploy_number", sent)) }
                data.append(.init("status", .string(status)))
                data.append(.init("id", .int(0)))
                data += members
                return .object(data)
            }
            firings = matcher.firings(matched, sent == nil ? Self.idAndNumber : Self.idOnly)
        } else {
            firings = .none
        }
        if serviceName == nil {
            let event = CloudEvent(id: EventID.make(), source: "/endpoints/\(endpoint)", type: EventType.serviceSuggested,
                                   time: receivedAt, subject: payload.service,
                                   data: .object(["service": .string(payload.service), "environment": payload.environment.map(JSON.string) ?? .null,
                                                  "endpoint": .string(endpoint)]),
                                   service: payload.service, environment: payload.environment, endpoint: endpoint)
            suggestion = (event, matcher?.firings(for: event) ?? .none)
        } else {
            suggestion = nil
        }
    }

    private static let idAndNumber: Set<Firings.StoreField> = [.id, .deployNumber]
    private static let idOnly: Set<Firings.StoreField> = [.id]

    /// The event's stored envelope with the deploy's number (as sent, or generated) and id.
    func envelope(deployID: Int, deployNumber: String?) -> StoredEnvelope.Stored {
        var out: [UInt8] = []
        out.reserveCapacity(envelopeHead.count + dataTail.count + 96)
        out.append(contentsOf: envelopeHead)
        let number: JSON? = deployNumber.map(JSON.string) ?? sentDeployNumber
        switch form {
        case .text:
            if let number {
                out.append(contentsOf: #""deploy_number":"#.utf8)
                out.append(contentsOf: number.compactText.utf8)
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: #""status":""#.utf8)
            out.append(contentsOf: payload.status.rawValue.utf8)
            out.append(contentsOf: #"","id":"#.utf8)
            out.append(contentsOf: String(deployID).utf8)
            // The tail is `}}` alone when the payload had no other member.
            if dataTail.count > 2 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: dataTail)
            return .text(String(decoding: out, as: UTF8.self))
        case .packed:
            if let number {
                PackedJSON.writeName("deploy_number", into: &out)
                PackedJSON.write(number, into: &out)
            }
            PackedJSON.writeName("status", into: &out)
            PackedJSON.writeString(payload.status.rawValue, into: &out)
            PackedJSON.writeName("id", into: &out)
            PackedJSON.write(.int(deployID), into: &out)
            out.append(contentsOf: dataTail)
            return .packed(out)
        }
    }
}

/// What recording did. Every case but `duplicate` committed a `deploy.<status>` event.
public enum DeployOutcome: Sendable, Equatable {
    case created(deployID: Int, deployNumber: String, eventID: String)
    /// A new status for a known `dedup_id`.
    case updated(deployID: Int, eventID: String)
    case duplicate(deployID: Int)
}

public struct StoredDeploy: Sendable, Equatable {
    public var id: Int
    public var endpoint: String
    public var service: String
    public var serviceName: String?
    public var environment: String?
    public var status: String
    public var deployNumber: String
    public var dedupID: String?
    public var deployedAt: String
    public var receivedAt: String
    public var updatedAt: String
    public var payload: JSON
    /// The deploy's latest event (what `reactions explain` takes); nil for deploys
    /// recorded before events were linked to them.
    public var eventID: String?

    /// The JSON form `reactions deploys` and `/api/v1/deploys` show: every payload field,
    /// plus what reactions knows about the deploy.
    public var json: JSON {
        var members = payload.objectMembers ?? []
        let computed: [(String, JSON)] = [
            ("id", .int(id)), ("endpoint", .string(endpoint)), ("service", .string(serviceName ?? service)),
            ("service_as_sent", .string(service)), ("matched", .bool(serviceName != nil)),
            ("status", .string(status)), ("deploy_number", .string(deployNumber)),
            ("deployed_at", .string(deployedAt)), ("received_at", .string(receivedAt)), ("updated_at", .string(updatedAt)),
            ("event_id", eventID.map(JSON.string) ?? .null),
        ]
        for (key, _) in computed {
            members.removeAll { $0.key == key }
        }
        members.append(contentsOf: computed.map { JSON.Member($0.0, $0.1) })
        if members.first(where: { $0.key == "deployed_at_as_sent" }) == nil, let sent = payload["deployed_at"] {
            members.append(JSON.Member("deployed_at_as_sent", sent))
        }
        return .object(members)
    }
}

public struct Suggestion: Sendable, Equatable {
    public var service: String
    public var endpoint: String
    public var firstSeen: String
    public var lastSeen: String
    public var deploys: Int
    public var environments: [String]

    public var json: JSON {
        .object(["service": .string(service), "endpoint": .string(endpoint), "first_seen": .string(firstSeen),
                 "last_seen": .string(lastSeen), "deploys": .int(deploys), "environments": .array(environments.map(JSON.string))])
    }
}

public struct DeployQuery: Sendable {
    /// Deploys whose service key is any of these (none: every deploy). A deploy's key is
    /// the declared service it matched, or the name it sent when it matched none. The store
    /// does not know the config, so names people type go through `resolvingServices` first.
    public var services: [String]
    public var environment: String?
    /// Only deploys received at or after this time (RFC 3339 UTC, as `received_at` reads).
    public var since: String?
    public var limit: Int = 50

    public init(service: String? = nil, environment: String? = nil, since: String? = nil, limit: Int = 50) {
        services = service.map { [$0] } ?? []
        self.environment = environment
        self.since = since
        self.limit = limit
    }

    /// Each name as a person means it: the service it names or is an alias of (matched as
    /// deploys are), plus the names that service's deploys were recorded under before it
    /// declared them (its aliases, and the name as typed). So `--service shopping_cart` lists
    /// shopping-cart's deploys, and still the ones sent as `shopping_cart` while it was only
    /// a suggestion.
    public func resolvingServices(with index: ServiceIndex) -> DeployQuery {
        var query = self
        query.services = []
        for name in services {
            var keys = [name]
            if let declared = index.match(name) {
                keys = [declared] + (index.service(named: declared)?.aliases ?? []) + [name]
            }
            for key in keys where !query.services.contains(key) { query.services.append(key) }
        }
        return query
    }
}

/// An event received over HTTP, to store as it is: from a webhook endpoint, or emitted
/// through the admin API (`reactions emit`).
public struct ReceivedEvent: Sendable {
    public var event: CloudEvent
    /// The webhook endpoint it came in on; nil for emitted events.
    public var endpoint: String?
    /// The sender's message id (Standard Webhooks `webhook-id`), recorded so a replay is
    /// recognised; nil when the endpoint's scheme has none.
    public var messageID: String?
    /// Seconds since the epoch, to forget message ids once they are outside the replay window.
    public var receivedAtSeconds: Int
    public var revision: Int
    /// Matched where the request was parsed (see `ReactionMatcher`).
    public var firings: Firings

    public init(event: CloudEvent, endpoint: String?, messageID: String?, receivedAtSeconds: Int, revision: Int, matcher: ReactionMatcher? = nil) {
        self.event = event
        firings = matcher?.firings(for: event) ?? .none
        self.endpoint = endpoint
        self.messageID = messageID
        self.receivedAtSeconds = receivedAtSeconds
        self.revision = revision
    }
}

public enum ReceivedOutcome: Sendable, Equatable {
    /// With the number of deliveries it caused.
    case stored(eventID: String, reactions: Int)
    /// The message id was accepted before: its event, stored then.
    case replay(eventID: String)
}
