import Testing
import TestSupport
@testable import ReactionsCore

/// The OpsLevel deploy contract (seed 001), field by field.
@Suite struct DeployPayloadTests {
    static let seedExample = """
    {
      "dedup_id": "9ae54794-dfc5-4ac8-b1b5-78789f20f3f8",
      "service": "shopping_cart",
      "deployer": {"id": "1a9f841f-9a3d-4423-a05a-7e9c31a02b16", "email": "mscott@example.com", "name": "Michael Scott"},
      "deployed_at": "2019-02-01 13:28:33",
      "environment": "Production",
      "description": "Deployed by CI Pipeline: Deploy #234",
      "deploy_url": "https://heroku.deploys.com",
      "deploy_number": "234",
      "commit": {"sha": "38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5", "message": "Merge branch 'fix-tax-rate' into 'master'",
                 "branch": "master", "date": "2019-02-01 09:23:43", "committer_name": "Michael Scott",
                 "committer_email": "mscott@example.com", "author_name": "Michael Scott", "author_email": "mscott@example.com",
                 "authoring_date": "2019-02-01 09:23:43"}
    }
    """

    @Test func theSeedsExampleIsAccepted() throws {
        let payload = try DeployPayload.parse(Array(Self.seedExample.utf8)).get()
        #expect(payload.service == "shopping_cart")
        #expect(payload.deployedAtUTC == "2019-02-01T13:28:33.000Z")
        #expect(payload.dedupID == "9ae54794-dfc5-4ac8-b1b5-78789f20f3f8")
        #expect(payload.deployNumber == "234")
        #expect(payload.status == .succeeded)
        #expect(payload.deployerEmail == "mscott@example.com")
        #expect(payload.raw["commit"]?["sha"] == .string("38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5"))
    }

    @Test func everyMissingRequiredFieldIsListedWithTheSeedsTitles() {
        guard case .failure(let invalid) = DeployPayload.parse(Array(#"{"environment": "Production", "description": "  "}"#.utf8)) else {
            Issue.record("expected errors"); return
        }
        #expect(invalid.errors == [
            .init(title: "Service Error", detail: "param is missing or the value is empty: service"),
            .init(title: "Description Error", detail: "param is missing or the value is empty: description"),
            .init(title: "Deployed at Error", detail: "param is missing or the value is empty: deployed_at"),
            .init(title: "Deployer Error", detail: "param is missing or the value is empty: deployer"),
        ])
        #expect(DeployPayload.errorBody(invalid.errors, status: 400).hasPrefix(#"{"errors":[{"status":400,"title":"Service Error","detail":"param is missing or the value is empty: service"}"#))
    }

    @Test(arguments: ["", " ", "\\t\\n", "\\u00a0\\u2003", "\\u3000 "])
    func whiteSpaceOnlyIsEmpty(value: String) {
        let body = #"{"service": "a", "description": "\#(value)", "deployed_at": "2019-02-01 13:28:33", "deployer": {"name": "M"}}"#
        guard case .failure(let invalid) = DeployPayload.parse(Array(body.utf8)) else {
            Issue.record("a blank description was accepted: \(body)"); return
        }
        #expect(invalid.errors.map(\.title) == ["Description Error"])
        let kept = #"{"service": "a", "description": " \#(value)x", "deployed_at": "2019-02-01 13:28:33", "deployer": {"name": "M"}}"#
        #expect((try? DeployPayload.parse(Array(kept.utf8)).get())?.description.hasSuffix("x") == true)
    }

    @Test func deployerNeedsEmailOrName() throws {
        let base = #""service": "a", "description": "d", "deployed_at": "2019-02-01 13:28:33""#
        #expect((try? DeployPayload.parse(Array("{\(base), \"deployer\": {\"name\": \"M\"}}".utf8)).get()) != nil)
        #expect((try? DeployPayload.parse(Array("{\(base), \"deployer\": {\"email\": \"m@x\"}}".utf8)).get()) != nil)
        guard case .failure(let invalid) = DeployPayload.parse(Array("{\(base), \"deployer\": {\"id\": \"1\"}}".utf8)) else { Issue.record("expected error"); return }
        #expect(invalid.errors.map(\.title) == ["Deployer Error"])
    }

    @Test func invalidValuesAreReported() {
        let body = #"{"service": 5, "description": "d", "deployed_at": "yesterday", "deployer": "me", "status": "done", "commit": "abc"}"#
        guard case .failure(let invalid) = DeployPayload.parse(Array(body.utf8)) else { Issue.record("expected errors"); return }
        #expect(invalid.errors.map(\.title) == ["Service Error", "Deployed at Error", "Deployer Error", "Status Error", "Commit Error"])
        guard case .failure(let notJSON) = DeployPayload.parse(Array("not json".utf8)) else { Issue.record("expected error"); return }
        #expect(notJSON.errors.first?.title == "Invalid JSON")
        guard case .failure(let array) = DeployPayload.parse(Array("[1]".utf8)) else { Issue.record("expected error"); return }
        #expect(array.errors.first?.detail.contains("JSON object") == true)
        guard case .failure(let empty) = DeployPayload.parse([]) else { Issue.record("expected error"); return }
        #expect(empty.errors.count == 4)
    }

    @Test func statusAndNumericDeployNumber() throws {
        let body = #"{"service": "a", "description": "d", "deployed_at": "2019-02-01T13:28:33Z", "deployer": {"name": "M"}, "status": "Started", "deploy_number": 42}"#
        let payload = try DeployPayload.parse(Array(body.utf8)).get()
        #expect(payload.status == .started)
        #expect(payload.status.eventType == "deploy.started")
        #expect(payload.deployNumber == "42")
    }

    @Test(arguments: [
        ("2019-02-01 13:28:33", "2019-02-01T13:28:33.000Z"),
        ("2019-02-01T13:28:33Z", "2019-02-01T13:28:33.000Z"),
        ("2019-02-01T13:28:33.5Z", "2019-02-01T13:28:33.500Z"),
        ("2019-02-01T13:28:33.123456+02:00", "2019-02-01T11:28:33.123Z"),
        ("2019-02-01T01:28:33-05:30", "2019-02-01T06:58:33.000Z"),
        ("2019-12-31T23:30:00-01:00", "2020-01-01T00:30:00.000Z"),
        ("2020-03-01T00:10:00+01:00", "2020-02-29T23:10:00.000Z"),
        ("2019-02-01", "2019-02-01T00:00:00.000Z"),
        ("2019-02-01 13:28", "2019-02-01T13:28:00.000Z"),
        ("2019-02-01 13:28:33 UTC", "2019-02-01T13:28:33.000Z"),
        ("2019-02-01T13:28:33+0100", "2019-02-01T12:28:33.000Z"),
        ("1969-12-31T23:59:59.999-00:30", "1970-01-01T00:29:59.999Z"),
        ("0999-01-01 00:00:00", "0999-01-01T00:00:00.000Z"),
    ])
    func acceptedTimestamps(input: String, expected: String) {
        #expect(Timestamp.normalize(input) == expected)
    }

    @Test(arguments: ["", "yesterday", "2019-02-30 10:00:00", "2019-13-01", "2019-02-01 25:00:00", "2019-02-01T13:28:33Q", "2019-2-1", "2019-02-01T13:28:33.Z",
                     "0001-01-01T00:00:00+00:30"])  // year 0 once in UTC: outside RFC 3339's four digits
    func rejectedTimestamps(input: String) {
        #expect(Timestamp.normalize(input) == nil)
    }

    @Test func cloudEventEnvelopeHasTheSpecsAttributes() {
        let event = CloudEvent(id: "e1", source: "/endpoints/ci", type: "deploy.succeeded", time: "2019-02-01T13:28:33.000Z",
                               subject: "shopping-cart", data: .object(["a": .int(1)]), service: "shopping-cart", environment: "Production", endpoint: "ci")
        let json = event.envelope
        #expect(json["specversion"] == .string("1.0"))
        #expect(json["datacontenttype"] == .string("application/json"))
        #expect(json["chaindepth"] == .int(0))
        #expect(json["service"] == .string("shopping-cart"))
        #expect(json.objectMembers?.allSatisfy { $0.key == $0.key.lowercased() } == true)
    }

    @Test func randomInputNeverCrashes() {
        var rng = SplitMix64(seed: 0xDE910F)
        func next() -> UInt64 { rng.next() }
        let alphabet = Array("0123456789-:T Z+.,zt2019-02-01 13:28:33\"{}[]deployed_at".utf8)
        for _ in 0..<20_000 {
            let count = Int(next() % 40)
            let bytes = (0..<count).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = Timestamp.normalize(text)
            _ = DeployPayload.parse(Array(#"{"service":"a","description":"d","deployer":{"name":"n"},"deployed_at":"\#(text)"}"#.utf8))
            _ = DeployPayload.parse(bytes)
        }
    }
}
