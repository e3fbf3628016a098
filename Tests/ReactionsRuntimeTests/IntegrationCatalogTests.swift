import Foundation
import Testing
import HTTPServer
import ReactionsCore
@testable import ReactionsRuntime

/// Every catalog integration renders its vendor's documented request, and that request
/// goes on the wire as rendered: sent to a capture server on 127.0.0.1 (the vendor's host
/// swapped for the capture server's), asserting method, path, headers and body.
@Suite(.serialized) struct IntegrationCatalogTests {
    static let secrets: [String: String] = [
        "NR_KEY": "NRAK-123", "DD_KEY": "dd-key-456", "SLACK_URL": "", "SENTRY_TOKEN": "sntrys_789", "PD_KEY": "R0UT1NGKEY",
        "HNY_KEY": "hny-abc", "GRAFANA_TOKEN": "glsa_def", "RAYGUN_APP_KEY": "app/key+1", "RAYGUN_PAT": "pat-ghi",
        "SLEUTH_TOKEN": "sleuth-jkl", "OPSLEVEL_URL": "", "WH_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var template: String
        var settings: String
        var url: String
        var headers: [String: String]
        var body: String
        var testDescription: String { template }
    }

    static let cases: [Case] = [
        Case(template: "newrelic-deployment", settings: #"{"application_id": "12345", "api_key": {"secret": "NR_KEY"}}"#,
             url: "https://api.newrelic.com/v2/applications/12345/deployments.json", headers: ["x-api-key": "NRAK-123"],
             body: #"{"deployment":{"revision":"1234","description":"Release 2.4.1","user":"mscott@example.com"}}"#),
        Case(template: "newrelic-deployment", settings: ##"{"application_id": "9", "api_key": {"secret": "NR_KEY"}, "region": "eu", "revision": "#{deploy.commit.sha}"}"##,
             url: "https://api.eu.newrelic.com/v2/applications/9/deployments.json", headers: ["x-api-key": "NRAK-123"],
             body: #"{"deployment":{"revision":"38d02f1","description":"Release 2.4.1","user":"mscott@example.com"}}"#),
        Case(template: "datadog-event", settings: #"{"api_key": {"secret": "DD_KEY"}, "site": "datadoghq.eu", "tags": ["team:checkout"]}"#,
             url: "https://api.datadoghq.eu/api/v1/events", headers: ["dd-api-key": "dd-key-456"],
             body: #"{"title":"Deploy core-web 1234","text":"Release 2.4.1","tags":["service:core-web","env:Production","team:checkout"],"alert_type":"info"}"#),
        Case(template: "slack-message", settings: ##"{"webhook_url": {"secret": "SLACK_URL"}, "text": "#{deploy.service} shipped"}"##,
             url: "CAPTURE/services/T000/B000/XXXX", headers: [:], body: #"{"text":"Core Web shipped"}"#),
        Case(template: "sentry-deploy", settings: ##"{"organization": "acme", "auth_token": {"secret": "SENTRY_TOKEN"}, "version": "web@#{deploy.deploy_number}"}"##,
             url: "https://sentry.io/api/0/organizations/acme/releases/web%401234/deploys/", headers: ["authorization": "Bearer sntrys_789"],
             body: #"{"environment":"Production"}"#),
        Case(template: "pagerduty-change", settings: #"{"routing_key": {"secret": "PD_KEY"}}"#,
             url: "https://events.pagerduty.com/v2/change/enqueue", headers: [:],
             body: #"{"routing_key":"R0UT1NGKEY","payload":{"summary":"Deployed core-web 1234 to Production","source":"reactions","timestamp":"2026-11-22T10:00:00.000Z","custom_details":{"event_type":"deploy.succeeded","service":"core-web","environment":"Production","deploy_number":"1234"}},"links":[{"href":"https://ci.example.com/42","text":"Deploy"}]}"#),
        Case(template: "honeycomb-marker", settings: ##"{"dataset": "web prod", "api_key": {"secret": "HNY_KEY"}, "url": "#{deploy.deploy_url}"}"##,
             url: "https://api.honeycomb.io/1/markers/web%20prod", headers: ["x-honeycomb-team": "hny-abc"],
             body: #"{"message":"core-web 1234","type":"deploy","url":"https://ci.example.com/42"}"#),
        Case(template: "grafana-annotation", settings: #"{"base_url": "https://grafana.example.com/", "api_token": {"secret": "GRAFANA_TOKEN"}, "dashboard_uid": "abc"}"#,
             url: "https://grafana.example.com/api/annotations", headers: ["authorization": "Bearer glsa_def"],
             body: #"{"text":"core-web 1234: Release 2.4.1","tags":["deploy","core-web","Production"],"dashboardUID":"abc"}"#),
        Case(template: "raygun-deployment", settings: #"{"application_api_key": {"secret": "RAYGUN_APP_KEY"}, "access_token": {"secret": "RAYGUN_PAT"}}"#,
             url: "https://api.raygun.com/v3/applications/api-key/app%2Fkey%2B1/deployments", headers: ["authorization": "Bearer pat-ghi"],
             body: #"{"version":"1234","ownerName":"Michael Scott","comment":"Release 2.4.1","emailAddress":"mscott@example.com","scmIdentifier":"38d02f1","deployedAt":"2026-11-22T10:00:00.000Z"}"#),
        Case(template: "sleuth-deploy", settings: #"{"org_slug": "acme", "deployment_slug": "web", "api_key": {"secret": "SLEUTH_TOKEN"}}"#,
             url: "https://app.sleuth.io/api/1/deployments/acme/web/register_deploy", headers: ["authorization": "Bearer sleuth-jkl"],
             body: #"{"sha":"38d02f1","environment":"Production","email":"mscott@example.com","date":"2026-11-22T10:00:00.000Z"}"#),
        Case(template: "opslevel-deploy", settings: #"{"integration_url": {"secret": "OPSLEVEL_URL"}}"#,
             url: "CAPTURE/integrations/deploy/6f1c3b0e-6a43-4a55-9b7e-0d7b1f3c2a10", headers: [:],
             body: #"{"service":"Core Web","deployer":{"email":"mscott@example.com","name":"Michael Scott"},"deployed_at":"2019-02-01 13:28:33","description":"Release 2.4.1","environment":"Production","deploy_url":"https://ci.example.com/42","deploy_number":"1234","commit":{"sha":"38d02f1"},"dedup_id":"01a20000-0000-7000-8000-000000000001"}"#),
    ]

    static let event = JSON.object([
        .init("specversion", .string("1.0")), .init("id", .string("01a20000-0000-7000-8000-000000000001")),
        .init("source", .string("/endpoints/ci")), .init("type", .string("deploy.succeeded")), .init("time", .string("2026-11-22T10:00:00.000Z")),
        .init("subject", .string("core-web")), .init("datacontenttype", .string("application/json")),
        .init("service", .string("core-web")), .init("environment", .string("Production")), .init("endpoint", .string("ci")),
        .init("chaindepth", .int(0)),
        .init("data", .object([
            .init("deploy_number", .string("1234")), .init("status", .string("succeeded")), .init("id", .int(7)),
            .init("service", .string("Core Web")), .init("description", .string("Release 2.4.1")), .init("deployed_at", .string("2019-02-01 13:28:33")),
            .init("environment", .string("Production")), .init("deploy_url", .string("https://ci.example.com/42")),
            .init("deployer", .object([.init("email", .string("mscott@example.com")), .init("name", .string("Michael Scott"))])),
            .init("commit", .object([.init("sha", .string("38d02f1"))])),
        ])),
    ])

    /// The config with one integration and a reaction using it, loaded from a real file.
    func load(_ c: Case) throws -> (Config, IntegrationAction) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let document = ##"""
            {"version": 1, "services": [{"name": "core-web", "aliases": ["Core Web"]}],
             "integrations": [{"name": "it", "template": "\##(c.template)", "settings": \##(c.settings)}],
             "reactions": [{"name": "use-it", "when": {"events": ["deploy.succeeded"]}, "then": {"integration": "it"}}]}
            """##
        try Data(document.utf8).write(to: dir.appendingPathComponent("main.json"))
        let result = ConfigLoader().load(path: dir.path)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        guard case .integration(let use)? = result.config.reactions.first?.action else { throw CocoaError(.featureUnsupported) }
        return (result.config, use)
    }

    @Test(arguments: cases) func rendersTheVendorsRequestAndSendsItAsRendered(_ c: Case) throws {
        let (receiver, server) = try CaptureReceiver.start()
        defer { server.shutdown(graceMilliseconds: 200) }
        let capture = "http://127.0.0.1:\(server.port)"
        var secrets = Self.secrets
        secrets["SLACK_URL"] = capture + "/services/T000/B000/XXXX"
        secrets["OPSLEVEL_URL"] = capture + "/integrations/deploy/6f1c3b0e-6a43-4a55-9b7e-0d7b1f3c2a10"
        let resolver = SecretResolver(environment: secrets, directory: nil)
        let (config, use) = try load(c)
        let context = TemplateContext(variables: EventVariables.make(envelope: Self.event, config: config, reaction: "use-it"),
                                      secret: { resolver.value($0) })
        let rendered = try IntegrationRequest.make(use, config: config, context: context).get()
        #expect(rendered.method == "POST")
        #expect(rendered.url == c.url.replacingOccurrences(of: "CAPTURE", with: capture))
        #expect(rendered.body.map { JSONWriter(style: .compact).bytes($0) } == Array(c.body.utf8))

        // On the wire: the same request, sent to the capture server instead of the vendor.
        var onWire = rendered
        if let schemeEnd = rendered.url.range(of: "://"), let pathStart = rendered.url[schemeEnd.upperBound...].firstIndex(of: "/") {
            onWire.url = capture + rendered.url[pathStart...]
        }
        let request = try #require(HTTPDeliverer.request(onWire, deliveryID: "dlv-1", signingSecret: nil, now: 0))
        let attempt = HTTPDeliverer().send(request, expect: nil)
        #expect(attempt.succeeded, "\(attempt)")
        let got = try #require(receiver.received.withLock { $0.first })
        #expect(got.method == "POST")
        #expect("\(capture)\(got.head.target)" == onWire.url)
        #expect(got.headers["content-type"] == "application/json")
        #expect(got.headers["webhook-id"] == "dlv-1")
        for (name, value) in c.headers { #expect(got.headers[name] == value, "\(name)") }
        #expect(String(decoding: got.body, as: UTF8.self) == c.body)
    }

    @Test func theGenericWebhookSendsTheEnvelopeSignedWithStandardWebhooks() throws {
        let (receiver, server) = try CaptureReceiver.start()
        defer { server.shutdown(graceMilliseconds: 200) }
        let (config, use) = try load(Case(template: "standard-webhook",
                                          settings: #"{"url": "http://127.0.0.1:\#(server.port)/hooks/reactions", "signing_secret": {"secret": "WH_SECRET"}}"#,
                                          url: "", headers: [:], body: ""))
        let resolver = SecretResolver(environment: Self.secrets, directory: nil)
        let context = TemplateContext(variables: EventVariables.make(envelope: Self.event, config: config, reaction: "use-it"),
                                      secret: { resolver.value($0) })
        let rendered = try IntegrationRequest.make(use, config: config, context: context).get()
        #expect(rendered.signWith?.name == "WH_SECRET")
        #expect(rendered.body == Self.event, "the body is the event's CloudEvents envelope")
        let now = Int64(Date().timeIntervalSince1970)
        let secret = try #require(Self.secrets["WH_SECRET"])
        let attempt = HTTPDeliverer().send(try #require(HTTPDeliverer.request(rendered, deliveryID: "msg_1", signingSecret: secret, now: now)), expect: nil)
        #expect(attempt.succeeded)
        let got = try #require(receiver.received.withLock { $0.first })
        #expect(got.head.target == "/hooks/reactions")
        try StandardWebhooks(secret: secret).verify(id: got.headers["webhook-id"], timestamp: got.headers["webhook-timestamp"],
                                                    signatures: got.headers["webhook-signature"], body: got.body, now: now)
    }

    @Test func aDryRunNeverReadsSecretsAndEveryTemplateRenders() throws {
        for c in Self.cases {
            let (config, use) = try load(c)
            let context = TemplateContext(variables: EventVariables.make(envelope: Self.event, config: config))
            let rendered = try IntegrationRequest.make(use, config: config, context: context).get()
            let text = rendered.json.compactText
            for (name, value) in Self.secrets where !value.isEmpty { #expect(!text.contains(value), "\(c.template) shows \(name)") }
        }
        #expect(Set(Self.cases.map(\.template)).union(["standard-webhook"]) == Set(IntegrationCatalog.ids), "every catalog entry is tested")
    }
}
