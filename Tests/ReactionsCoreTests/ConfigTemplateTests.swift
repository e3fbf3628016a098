import Testing
@testable import ReactionsCore

/// Templates a team declares in its config, in the catalog's format.
@Suite struct ConfigTemplateTests {
    static let template = ##"""
        "templates": [{
          "name": "acme-deploy-log",
          "description": "Record deploys in ACME's internal deploy log.",
          "parameters": [
            {"name": "team", "required": true, "description": "Owning team."},
            {"name": "token", "required": true, "secret": true},
            {"name": "channel", "default": "deploys"},
            {"name": "tags", "type": "text-list"}
          ],
          "request": {
            "method": "POST",
            "url": "https://deploylog.acme.internal/api/#{settings.channel}/entries",
            "headers": {"Authorization": "Token #{settings.token}"},
            "body": {"team": "#{settings.team}", "service": "#{event.service}", "number": "#{deploy.deploy_number}", "tags": "#{settings.tags}"}
          }
        }
        """##

    func load(_ rest: String, moreTemplates: String = "") throws -> ConfigLoader.Result {
        try ConfigFixture(members: Self.template + moreTemplates + "], " + rest).load()
    }

    @Test func anIntegrationUsesItLikeACatalogEntryAndItRendersWithSettingsAndSecrets() throws {
        let result = try load(##"""
            "services": [{"name": "checkout"}], "endpoints": [{"name": "ci", "kind": "deploy"}],
            "integrations": [{"name": "log", "template": "acme-deploy-log", "settings": {"team": "payments", "token": {"secret": "DEPLOYLOG_TOKEN"}, "tags": ["prod", "#{deploy.environment}"]}}],
            "reactions": [{"name": "log-deploys", "when": {"events": ["deploy.succeeded"]}, "then": {"integration": "log"}}]
            """##)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        let config = result.config
        let event = try SimulatedEvent.deploy(Array(#"{"service": "checkout", "description": "d", "deployed_at": "2019-02-01 13:28:33", "environment": "Production", "deployer": {"name": "M"}, "deploy_number": "42"}"#.utf8),
                                              endpoint: nil, config: config)
        guard case .integration(let use)? = config.reactions.first?.action else { Issue.record("no integration action"); return }
        let live = TemplateContext(variables: EventVariables.make(envelope: event, config: config), secret: { $0 == "DEPLOYLOG_TOKEN" ? "t0k3n" : nil })
        let request = try IntegrationRequest.make(use, config: config, context: live).get()
        #expect(request.url == "https://deploylog.acme.internal/api/deploys/entries")
        #expect(request.headers == [RenderedRequest.Header("Authorization", "Token t0k3n")])
        #expect(request.body?.compactText == #"{"team":"payments","service":"checkout","number":"42","tags":["prod","Production"]}"#)
        // A dry run shows the secret's name only; the secret is one the reaction needs.
        let dry = try IntegrationRequest.make(use, config: config, context: TemplateContext(variables: live.variables)).get()
        #expect(dry.headers.first?.value == "Token «secret DEPLOYLOG_TOKEN»")
        #expect(SecretAudit.namesByReaction(in: config)[try #require(config.reactions.first).name] == ["DEPLOYLOG_TOKEN"])
        // It is a resource of its own in plans and state.
        let document = Normalizer.document(config)
        #expect(document.resources[ResourceAddress(.template, "acme-deploy-log")]?["request"]?["url"] != nil)
        #expect(try StateDocument(json: document.json).config().0.templates.map(\.name) == ["acme-deploy-log"])
    }

    @Test func itsSettingsAndRequestAreChecked() throws {
        let result = try load(##"""
            "integrations": [{"name": "log", "template": "acme-deploy-log", "settings": {"token": "literal", "teem": "x"}}],
            "reactions": [{"name": "on-apply", "when": {"events": ["config.applied"]}, "then": {"integration": "log"}}]
            """##, moreTemplates: ##"""
              , {"name": "slack-message", "request": {"method": "POST", "url": "https://example.com/"}},
              {"name": "leaky", "parameters": [{"name": "host"}], "request": {"method": "POST", "url": "https://#{settings.host}/x"}},
              {"name": "typo", "parameters": [{"name": "team"}], "request": {"method": "POST", "url": "https://example.com/#{settings.tema}", "body": {"x": "#{deploy.nope}"}}},
              {"name": "bad-params", "parameters": [{"name": "Token", "secret": true}, {"name": "k", "secret": true, "default": "abc"}], "request": {"method": "POST", "url": "https://example.com/"}}
            """##)
        for text in ["the setting \"token\" is a secret and cannot be written as a literal", "acme-deploy-log has no setting \"teem\"",
                     "needs the setting \"team\"", "has the name of a catalog integration", "`settings.tema` is not a parameter of template \"typo\"",
                     "\"Token\" is not a valid parameter name", "a secret parameter has no default", "deploy.nope",
                     "template \"acme-deploy-log\" (used through integration \"log\"): `deploy.deploy_number` is not available for config.applied"] {
            #expect(!result.diagnostics(.error, containing: text).isEmpty, "expected an error containing \(text): \(result.diagnostics)")
        }
        #expect(result.diagnostics.contains { $0.severity == .error && $0.resource == ResourceAddress(.template, "leaky") },
                "a template cannot choose its host from settings")
    }
}
