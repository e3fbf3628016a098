import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore

/// Events are stored without what their columns and the CloudEvents defaults give back;
/// every shape of event must read back exactly as it was received.
@Suite struct StoredEnvelopeTests {
    static let shapes: [CloudEvent] = [
        // A deploy: source and subject implied by the endpoint and service.
        CloudEvent(id: "0193a0c8-0000-7000-8000-000000000001", source: "/endpoints/ci", type: "deploy.succeeded", time: "2026-12-06T01:00:00Z",
                   subject: "cart", data: .object(["id": .int(7), "service": .string("cart")]), service: "cart", environment: "Production",
                   endpoint: "ci"),
        // Recorded by a reaction: a cause and a depth.
        CloudEvent(id: "0193a0c8-0000-7000-8000-000000000002", source: "/endpoints/ci", type: "deploy.failed", time: "2026-12-06T01:00:01Z",
                   subject: "cart", data: .object([:]), service: "cart", environment: nil, endpoint: "ci",
                   causationID: "0193a0c8-0000-7000-8000-000000000001", chainDepth: 2),
        // A webhook: a subject that is not the service, no environment.
        CloudEvent(id: "0193a0c8-0000-7000-8000-000000000003", source: "/endpoints/github", type: "webhook.received", time: "2026-12-06T01:00:02Z",
                   subject: "push", data: .array([.int(1), .null]), service: "cart", endpoint: "github"),
        // No subject where there is a service.
        CloudEvent(id: "0193a0c8-0000-7000-8000-000000000004", source: "/endpoints/github", type: "webhook.received", time: "2026-12-06T01:00:03Z",
                   subject: nil, data: .string("raw"), service: "cart", endpoint: "github"),
        // Apply: a source no endpoint implies, nothing else.
        CloudEvent(id: "0193a0c8-0000-7000-8000-000000000005", source: "/config", type: "config.applied", time: "2026-12-06T01:00:04Z",
                   subject: nil, data: .object(["revision": .int(3)])),
        // A dead letter: the reaction's source, a subject with no service.
        CloudEvent(id: "0193a0c8-0000-7000-8000-000000000006", source: "/reactions/notify", type: "delivery.failed", time: "2026-12-06T01:00:05Z",
                   subject: "notify", data: .null, causationID: "0193a0c8-0000-7000-8000-000000000002", chainDepth: 1),
        // An endpoint with a source it does not imply.
        CloudEvent(id: "0193a0c8-0000-7000-8000-000000000007", source: "/elsewhere", type: "x.y", time: "2026-12-06T01:00:06Z",
                   subject: "s", data: .bool(true), service: "s", endpoint: "ci"),
    ]

    /// A deploy as OpsLevel's documentation shows one, commit and all.
    static let opsLevelDeploy = """
        {"deploy_number":"1","status":"succeeded","id":1,"dedup_id":"9ad6a8b2","service":"shopping_cart",
         "deployer":{"id":"1a9f841f","email":"michael.scott@example.com","name":"Michael Scott"},"deployed_at":"2026-12-05T10:40:08.440Z",
         "environment":"Production","description":"Deployed by CI Pipeline: Deploy #1 of shopping_cart","deploy_url":"https://ci.example.com/1",
         "commit":{"sha":"38d02f0a4e6d6e5c4b7a9b8f3c2d1e0f9a8b7c6d","message":"Merge branch 'fix-tax-rate' into 'master'","branch":"master",
                   "date":"2026-12-05T10:40:08.440Z","authoring_date":"2026-12-05T10:40:08.440Z","author_name":"Dwight Schrute",
                   "author_email":"dwight.schrute@example.com","committer_name":"Jim Halpert","committer_email":"jim.halpert@example.com"}}
        """

    /// The deploy path writes an envelope's head straight to bytes; closed with an empty
    /// data object it must be exactly what packing (or printing) the whole event gives.
    @Test func headsAreTheWholeEnvelopeUpToItsData() {
        var events = Self.shapes
        // A source that only looks implied, and one endpoint's name inside another's.
        events.append(CloudEvent(id: "e8", source: "/endpoints/ci2", type: "x", time: "2026-12-06T01:00:07Z", subject: "s", data: .null,
                                 service: "s", endpoint: "ci"))
        events.append(CloudEvent(id: "e9", source: "/endpoints/c", type: "x", time: "2026-12-06T01:00:08Z", subject: nil, data: .null,
                                 endpoint: "ci"))
        for event in events {
            var empty = event
            empty.data = .object([])
            #expect(StoredEnvelope.head(of: event, form: .packed) + [0x00, 0x00] == StoredEnvelope.packed(of: empty), "\(event.id)")
            #expect(String(decoding: StoredEnvelope.head(of: event, form: .text) + Array("}}".utf8), as: UTF8.self) == StoredEnvelope.text(of: empty),
                    "\(event.id)")
        }
    }

    @Test(arguments: shapes) func readsBackWhatWasReceived(_ event: CloudEvent) throws {
        let stored = StoredEnvelope.text(of: event)
        let read = try #require(StoredEnvelope.envelope(stored: stored, id: event.id, type: event.type, time: event.time))
        #expect(read.compactText == event.envelope.compactText)
        #expect(!stored.contains("specversion") && !stored.contains(event.id) && !stored.contains(event.time))
        #expect(StoredEnvelope.data(stored: stored) == event.data)
    }

    @Test(arguments: shapes) func readsBackWhatWasReceivedWhenPacked(_ event: CloudEvent) throws {
        let packed = StoredEnvelope.packed(of: event)
        let read = try #require(StoredEnvelope.envelope(stored: .packed(packed), id: event.id, type: event.type, time: event.time))
        #expect(read.compactText == event.envelope.compactText)
        #expect(StoredEnvelope.data(stored: .packed(packed)) == event.data)
        #expect(StoredEnvelope.text(of: .packed(packed)) == StoredEnvelope.text(of: event))
    }

    /// The deploy path assembles its envelope from bytes prepared on the request's thread;
    /// in either form it must be the envelope a whole event would have been stored as.
    @Test(arguments: [EnvelopeForm.text, .packed]) func theDeployPathWritesTheSameForm(_ form: EnvelopeForm) throws {
        let required = #""description":"d","deployed_at":"2026-12-06T01:00:00Z","deployer":{"email":"a@b.c"}"#
        for (body, number) in [(#"{"service":"cart","environment":"Production","deploy_number":"7","#, nil),
                               (#"{"service":"cart","#, "12"),
                               (#"{"service":"cart","deploy_number":19,"#, nil)] as [(String, String?)] {
            let payload = try DeployPayload.parse(Array((body + required + "}").utf8)).get()
            let record = DeployRecord(endpoint: "ci", payload: payload, serviceName: "cart", receivedAt: "2026-12-06T01:00:00Z", revision: 1, form: form)
            let stored = record.envelope(deployID: 42, deployNumber: number)
            var data: [JSON.Member] = []
            if let sent = number.map(JSON.string) ?? payload.raw["deploy_number"] { data.append(.init("deploy_number", sent)) }
            data += [.init("status", .string("succeeded")), .init("id", .int(42))]
            data += (payload.raw.objectMembers ?? []).filter { !DeployBody.isComputedData($0.key) }
            let event = CloudEvent(id: record.eventID, source: "/endpoints/ci", type: "deploy.succeeded", time: "2026-12-06T01:00:00Z",
                                   subject: "cart", data: .object(data), service: "cart", environment: payload.environment, endpoint: "ci")
            switch (form, stored) {
            case (.text, .text(let text)): #expect(text == StoredEnvelope.text(of: event))
            case (.packed, .packed(let bytes)): #expect(bytes == StoredEnvelope.packed(of: event))
            default: Issue.record("a \(form) record stored \(stored)")
            }
        }
    }

    /// Rows written before the compact form hold the whole envelope; they read as they are.
    @Test func fullEnvelopesFromEarlierReleasesReadAsTheyAre() throws {
        let event = Self.shapes[1]
        let read = try #require(StoredEnvelope.envelope(stored: event.envelope.compactText, id: event.id, type: event.type, time: event.time))
        #expect(read == event.envelope)
        #expect(StoredEnvelope.data(stored: event.envelope.compactText) == event.data)
    }

    @Test func textThatIsNoEnvelopeIsRefused() {
        for text in ["", "[1]", #"{"chaindepth":"two","data":1}"#, #"{"unknown":1,"data":1}"#, #"{"data":1}"#] {
            #expect(StoredEnvelope.envelope(stored: text, id: "i", type: "t", time: "x") == nil, "\(text)")
        }
    }

    /// What the compact form is for: a deploy's stored event is ~200 bytes shorter, and
    /// packed, shorter again by its member names.
    @Test func aDeployEventIsStoredShorter() throws {
        let event = Self.shapes[0]
        #expect(event.envelope.compactText.utf8.count - StoredEnvelope.text(of: event).utf8.count >= 200)
        var deploy = event
        deploy.data = try JSONParser.value(Self.opsLevelDeploy)
        let text = StoredEnvelope.text(of: deploy).utf8.count, packed = StoredEnvelope.packed(of: deploy).count
        #expect(Double(packed) <= Double(text) * 0.75, "packed \(packed) B, text \(text) B")
    }
}
