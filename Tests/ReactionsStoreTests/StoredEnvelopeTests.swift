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

    @Test(arguments: shapes) func readsBackWhatWasReceived(_ event: CloudEvent) throws {
        let stored = StoredEnvelope.text(of: event)
        let read = try #require(StoredEnvelope.envelope(stored: stored, id: event.id, type: event.type, time: event.time))
        #expect(read.compactText == event.envelope.compactText)
        #expect(!stored.contains("specversion") && !stored.contains(event.id) && !stored.contains(event.time))
        #expect(StoredEnvelope.data(stored: stored) == event.data)
    }

    @Test func theDeployPathWritesTheSameForm() throws {
        let event = Self.shapes[0]
        var bare = event
        bare.data = .null
        let text = StoredEnvelope.head(of: bare) + event.data.compactText + "}"
        #expect(text == StoredEnvelope.text(of: event))
        #expect(StoredEnvelope.head(of: CloudEvent(id: "i", source: "", type: "t", time: "x", subject: nil, data: .null)) == #"{"source":"","data":"#)
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

    /// What the compact form is for: a deploy's stored event is ~200 bytes shorter.
    @Test func aDeployEventIsStoredShorter() {
        let event = Self.shapes[0]
        #expect(event.envelope.compactText.utf8.count - StoredEnvelope.text(of: event).utf8.count >= 200)
    }
}
