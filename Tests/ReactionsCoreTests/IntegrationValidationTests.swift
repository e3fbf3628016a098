import Testing
@testable import ReactionsCore

@Suite struct IntegrationValidationTests {
    @Test func settingsAreCheckedAgainstTheTemplateParameters() throws {
        let result = try ConfigFixture(members: """
        "integrations": [
          {"name": "a", "template": "newrelic-deploymnt"},
          {"name": "b", "template": "newrelic-deployment", "settings": {"api_key": {"secret": "NR"}}},
          {"name": "c", "template": "newrelic-deployment", "settings": {"application_id": "1", "api_key": "NRAK-LITERAL", "regon": "eu"}},
          {"name": "d", "template": "newrelic-deployment", "settings": {"application_id": "1", "api_key": {"secret": "NR"}, "region": "asia"}},
          {"name": "e", "template": "grafana-annotation", "settings": {"base_url": "https://#{payload.host}", "api_token": {"secret": "G"}}},
          {"name": "f", "template": "datadog-event", "settings": {"api_key": {"secret": "DD"}, "tags": "team:x", "site": {"secret": "SITE"}}},
          {"name": "g", "template": "slack-message", "settings": {"webhook_url": {"secret": "SLACK_URL"}, "text": "#{deploy.service | nope}"}}
        ]
        """).load()
        expectDiagnostic(result, "unknown integration template \"newrelic-deploymnt\"", line: 4)
        expectDiagnostic(result, "did you mean \"newrelic-deployment\"?")
        expectDiagnostic(result, "needs the setting \"application_id\"", line: 5)
        expectDiagnostic(result, "\"api_key\" is a secret and cannot be written as a literal", line: 6)
        expectDiagnostic(result, "has no setting \"regon\"", line: 6)
        expectDiagnostic(result, "must be one of \"us\", \"eu\"", line: 7)
        expectDiagnostic(result, "must be a literal URL", line: 8)
        expectDiagnostic(result, "must be a list of texts", line: 9)
        expectDiagnostic(result, "\"site\" is not secret", line: 9)
        expectDiagnostic(result, "unknown filter `nope`", line: 10)
        #expect(!result.diagnostics.map(\.description).joined().contains("NRAK-LITERAL"))
    }

    @Test func reactionsReferenceDeclaredIntegrationsAndValidOverrides() throws {
        let result = try ConfigFixture(members: """
        "integrations": [{"name": "nr", "template": "newrelic-deployment", "settings": {"application_id": "1", "api_key": {"secret": "NR"}}}],
        "reactions": [
          \(deployReaction("a", then: #"{"integration": "nr"}"#)),
          \(deployReaction("b", then: #"{"integration": "n-r"}"#)),
          \(deployReaction("c", then: ##"{"integration": "nr", "overrides": {"revison": "x", "revision": "#{deploy.commit.sha}"}}"##))
        ]
        """).load()
        #expect(!result.diagnostics.errors.contains { $0.resource?.name == "a" })
        expectDiagnostic(result, "integration \"n-r\" is not declared", line: 6)
        expectDiagnostic(result, "has no setting \"revison\"")
    }

    @Test func templateDefaultsMustFitTheReactionsEvents() throws {
        // New Relic's default revision reads deploy.*, which a custom event does not have.
        let result = try ConfigFixture(members: """
        "integrations": [{"name": "nr", "template": "newrelic-deployment", "settings": {"application_id": "1", "api_key": {"secret": "NR"}}}],
        "reactions": [\(deployReaction(then: #"{"integration": "nr"}"#, when: #"{"events": ["custom.release"]}"#))]
        """).load()
        expectDiagnostic(result, "the default of \"revision\" of integration \"nr\"")
        expectDiagnostic(result, "set \"revision\" in \"overrides\"")
    }

    @Test func everyCatalogIdFromTheDesignExists() {
        let promised = ["newrelic-deployment", "datadog-event", "slack-message", "sentry-deploy", "pagerduty-change", "honeycomb-marker",
                        "grafana-annotation", "raygun-deployment", "sleuth-deploy", "opslevel-deploy", "standard-webhook"]
        #expect(IntegrationCatalog.ids == promised)
        for template in IntegrationCatalog.all {
            #expect(template.parameters.contains { $0.secret }, "\(template.id) has no secret parameter")
            for p in template.parameters {
                if case .string(let text)? = p.defaultValue { #expect((try? Template(parsing: text)) != nil, "\(template.id).\(p.name)") }
            }
        }
    }
}
