import Testing
@testable import ReactionsCore

@Suite struct ReactionValidationTests {
    let webhookEndpoint = #""endpoints": [{"name": "myget", "kind": "webhook", "path": "/triggers/mygetpackage", "auth": {"api_key": {"secret": "K"}}}]"#

    @Test func externalWebhooksCannotTriggerHTTPOrIntegrations() throws {
        let result = try ConfigFixture(members: """
        \(webhookEndpoint),
        "integrations": [{"name": "nr", "template": "newrelic-deployment", "settings": {"application_id": "1", "api_key": {"secret": "NR"}}}],
        "reactions": [
          {"name": "a", "when": {"endpoint": "myget"}, "then": {"http": {"url": "https://example.com/"}}},
          {"name": "b", "when": {"events": ["webhook.received"]}, "then": {"integration": "nr"}},
          {"name": "c", "when": {"endpoint": "myget"}, "then": {"script": {"path": "s.sh"}}}
        ]
        """, extra: ["s.sh": "#!/bin/sh\n"]).load()
        expectDiagnostic(result, "cannot trigger an http action: reactions is not a passthrough HTTP broker", line: 6)
        expectDiagnostic(result, "cannot trigger an integration action", line: 7)
        #expect(result.diagnostics.errors.count == 2, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("https://#{payload.host}/x", "the host of the URL must be literal"),
        ("#{payload.url}", "literal scheme and host"),
        ("https://api.example.com#{payload.path}", "end the host with /"),
        ("https://api.example.com:#{payload.port}/x", "end the host with /"),
        ("ftp://example.com/x", "scheme \"ftp\" is not supported"),
        ("https://user:pass@example.com/x", "carries credentials before the host"),
        ("https://example.com:99999/x", "port must be a number"),
        ("example.com/x", "not an absolute URL"),
    ])
    func httpSchemeHostAndPortMustBeLiteral(url: String, message: String) throws {
        let result = try ConfigFixture(members: #""reactions": [\#(deployReaction(then: #"{"http": {"url": "\#(url)"}}"#))]"#).load()
        expectDiagnostic(result, message, line: 3)
    }

    @Test func templatesMayFillPathQueryAndHeaders() throws {
        let result = try ConfigFixture(members: "\"reactions\": [" + deployReaction(then: ##"{"http": {"url": "https://api.example.com:8443/deploys/#{deploy.service | url}?env=#{deploy.environment | url}", "headers": {"Authorization": "Bearer #{secret.TOKEN}"}, "body": {"n": "#{deploy.deploy_number}"}}}"##) + "]").load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test func unknownVariablesAndFiltersAreErrorsWithLineAndColumn() throws {
        let result = try ConfigFixture(members: """
        "reactions": [{"name": "r", "when": {"events": ["deploy.succeeded"]}, "then": {"http": {
          "url": "https://example.com/x",
          "headers": {"X-Service": "svc=#{deploy.servce}"},
          "body": {"text": "#{deploy.service | shout}", "n": "#{webhook.payload}"}}}}]
        """).load()
        let unknownVariable = try #require(result.diagnostics(.error, containing: "unknown variable `deploy.servce`").first)
        // Column of the `#{` inside the string, not of the string.
        #expect(unknownVariable.location?.position == SourcePosition(line: 5, column: 33))
        expectDiagnostic(result, "did you mean `deploy.service`?")
        expectDiagnostic(result, "unknown filter `shout`", line: 6)
        expectDiagnostic(result, "unknown variable `webhook.payload`", line: 6)
    }

    @Test func variablesMustExistForEveryEventTheReactionReceives() throws {
        let result = try ConfigFixture(members: """
        \(webhookEndpoint),
        "reactions": [{"name": "r", "when": {"endpoint": "myget"}, "then": {"script": {"path": "s.sh", "args": ["#{deploy.service}", "#{payload.PackageIdentifier}", "#{query.version}"]}}}]
        """, extra: ["s.sh": ""]).load()
        expectDiagnostic(result, "`deploy.service` is not available for webhook.received events", line: 4)
        #expect(result.diagnostics.errors.count == 1, "\(result.diagnostics)")
    }

    @Test func triggerReferencesAndEventTypes() throws {
        let result = try ConfigFixture(members: """
        "endpoints": [{"name": "ci", "kind": "deploy"}],
        "reactions": [
          \(deployReaction("a", when: #"{"endpoint": "cii"}"#)),
          \(deployReaction("b", when: #"{"events": ["deploy.succeded"]}"#)),
          \(deployReaction("c", when: #"{"endpoint": "ci", "events": ["webhook.received"]}"#)),
          \(deployReaction("d", when: #"{}"#)),
          \(deployReaction("e", when: #"{"events": ["custom.release.created", "deploy.*"]}"#)),
          \(deployReaction("f", when: #"{"events": []}"#))
        ]
        """).load()
        expectDiagnostic(result, "listens to endpoint \"cii\", which is not declared", line: 5)
        expectDiagnostic(result, "did you mean \"ci\"?")
        expectDiagnostic(result, "unknown event type \"deploy.succeded\"", line: 6)
        expectDiagnostic(result, "did you mean \"deploy.succeeded\"?")
        expectDiagnostic(result, "never emits webhook.received", line: 7)
        expectDiagnostic(result, "\"when\" needs \"events\", \"endpoint\", or both", line: 8)
        #expect(!result.diagnostics.errors.contains { $0.resource?.name == "e" }, "\(result.diagnostics)")
        expectDiagnostic(result, "\"events\" is empty", line: 10)
    }

    @Test func filtersAreChecked() throws {
        let result = try ConfigFixture(members: """
        "services": [{"name": "cart"}],
        "reactions": [\(deployReaction(when: """
        {"events": ["deploy.succeeded"], "filter": {
            "service": "cart",
            "environment": ["Production", "Staging"],
            "deploy.commit.branch": {"glob": "release/*"},
            "deploy.description": {"regex": "([unclosed"},
            "deploy.deployer.email": {"like": "x"},
            "deploy.dedup_id": {"glob": "[abc"},
            "deploy.environment": [],
            "secret.TOKEN": "x",
            "deploy.nope": {"exists": true},
            "status": {"in": ["failed", "succeeded"]}
        }}
        """))]
        """).load()
        expectDiagnostic(result, "invalid regular expression", line: 8)
        expectDiagnostic(result, "unknown condition \"like\"", line: 9)
        expectDiagnostic(result, "invalid glob", line: 10)
        expectDiagnostic(result, "an empty list matches nothing", line: 11)
        expectDiagnostic(result, "filters must not depend on secret values", line: 12)
        expectDiagnostic(result, "unknown variable `deploy.nope`", line: 13)
        #expect(result.diagnostics.errors.count == 6, "\(result.diagnostics)")
    }

    @Test func filterOnAnUndeclaredServiceWarns() throws {
        let result = try ConfigFixture(members: """
        "services": [{"name": "cart", "aliases": ["shopping_cart"]}],
        "reactions": [\(deployReaction("a", when: #"{"events": ["deploy.succeeded"], "filter": {"service": "shopping_cart"}}"#)),
                      \(deployReaction("b", when: #"{"events": ["deploy.succeeded"], "filter": {"service": "kart"}}"#))]
        """).load()
        #expect(!result.hasErrors)
        #expect(result.diagnostics.warnings.count == 1)
        expectDiagnostic(result, .warning, "matches service \"kart\", which no service declares", line: 5)
    }

    @Test func scriptsMustExistInsideTheConfigDirectory() throws {
        let result = try ConfigFixture(members: """
        "reactions": [
          \(deployReaction("a", then: #"{"script": {"path": "scripts/missing.sh"}}"#)),
          \(deployReaction("b", then: #"{"script": {"path": "../outside.sh"}}"#)),
          \(deployReaction("c", then: #"{"script": {"path": "/bin/sh"}}"#)),
          \(deployReaction("d", then: #"{"script": {"path": "scripts"}}"#)),
          \(deployReaction("e", then: #"{"script": {"path": "scripts/ok.sh", "interpreter": "bash -e", "env": {"REACTIONS_X": "1", "9X": "1"}}}"#))
        ]
        """, extra: ["scripts/ok.sh": "echo ok\n"]).load()
        expectDiagnostic(result, "the script \"scripts/missing.sh\" does not exist", line: 4)
        let outside = result.diagnostics(.error, containing: "must be relative and inside the config directory")
        #expect(outside.compactMap { $0.location?.position.line } == [5, 6])
        expectDiagnostic(result, "the script \"scripts\" does not exist", line: 7)
        expectDiagnostic(result, "not a command line", line: 8)
        expectDiagnostic(result, "\"REACTIONS_X\" is reserved", line: 8)
        expectDiagnostic(result, "not a valid environment variable name", line: 8)
    }

    @Test func scriptContentIsSnapshottedWithItsHash() throws {
        let fixture = try ConfigFixture(members: #""reactions": [\#(deployReaction(then: #"{"script": {"path": "scripts/r.sh"}}"#))]"#,
                                        extra: ["scripts/r.sh": "#!/bin/sh\necho hi\n"])
        let result = fixture.load()
        #expect(!result.hasErrors)
        #expect(result.config.scripts["scripts/r.sh"] == Array("#!/bin/sh\necho hi\n".utf8))
        guard case .script(let s)? = result.config.reactions.first?.action else { Issue.record("no script"); return }
        #expect(s.contentSHA256 == SHA256.hexDigest("#!/bin/sh\necho hi\n"))
    }

    @Test func scriptsSymlinkedOutsideAreRefused() throws {
        let fixture = try ConfigFixture(members: #""reactions": [\#(deployReaction(then: #"{"script": {"path": "link.sh"}}"#))]"#)
        try FileManager.default.createSymbolicLink(atPath: fixture.root.appendingPathComponent("link.sh").path, withDestinationPath: "/bin/sh")
        expectDiagnostic(fixture.load(), "resolves outside the config directory")
    }

    @Test func credentialLookingLiteralsInHeadersAreFlaggedWithoutRepeatingThem() throws {
        let token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
        let result = try ConfigFixture(members: """
        "reactions": [\(deployReaction(then: """
        {"http": {"url": "https://example.com/x?api_key=abcdef123456", "headers": {
          "Authorization": "Bearer \(token)",
          "X-Trace": "plain-text",
          "X-Api-Key": "#{secret.KEY}"}}}
        """))]
        """).load()
        #expect(!result.hasErrors)
        expectDiagnostic(result, .warning, "the header \"Authorization\" holds a literal that looks like a credential", line: 4)
        expectDiagnostic(result, .warning, "query parameter \"api_key\"")
        #expect(result.diagnostics.warnings.count == 2, "\(result.diagnostics)")
        #expect(!result.diagnostics.map(\.description).joined().contains(token))
    }

    @Test func httpActionFields() throws {
        let result = try ConfigFixture(members: """
        "reactions": [
          \(deployReaction("a", then: #"{"http": {"method": "FETCH", "url": "https://e.com/"}}"#)),
          \(deployReaction("b", then: #"{"http": {"method": "GET", "url": "https://e.com/", "body": {}}}"#)),
          \(deployReaction("c", then: #"{"http": {"url": "https://e.com/", "expect": [200, 700], "timeout": "ten seconds"}}"#)),
          \(deployReaction("d", then: #"{"http": {"url": "https://e.com/", "headers": {"Content-Length": "1", "bad header": "x"}}}"#)),
          \(deployReaction("e", then: #"{"http": {"url": "https://e.com/"}, "script": {"path": "x"}}"#)),
          \(deployReaction("f", then: #"{"http": {"url": "https://e.com/"}, "overrides": {}}"#))
        ]
        """).load()
        expectDiagnostic(result, "unknown HTTP method \"FETCH\"", line: 4)
        expectDiagnostic(result, "a GET request cannot have a body", line: 5)
        expectDiagnostic(result, "between 100 and 599", line: 6)
        expectDiagnostic(result, "is not a duration", line: 6)
        expectDiagnostic(result, "set by reactions and cannot be overridden", line: 7)
        expectDiagnostic(result, "not a valid header name", line: 7)
        expectDiagnostic(result, "exactly one action", line: 8)
        expectDiagnostic(result, "only goes with an \"integration\" action", line: 9)
    }

    @Test func retryPolicy() throws {
        let result = try ConfigFixture(members: """
        "reactions": [
          {"name": "a", "when": {"events": ["deploy.failed"]}, "then": {"http": {"url": "https://e.com/"}}, "retry": {"max_attempts": 0}},
          {"name": "b", "when": {"events": ["deploy.failed"]}, "then": {"http": {"url": "https://e.com/"}}, "retry": {"initial_delay": "1h", "max_delay": "5m"}},
          {"name": "c", "when": {"events": ["deploy.failed"]}, "then": {"http": {"url": "https://e.com/"}}, "retry": {"max_attempts": 8, "initial_delay": "5s", "max_delay": "10h"}}
        ]
        """).load()
        expectDiagnostic(result, "between 1 and 50", line: 4)
        expectDiagnostic(result, "is longer than \"max_delay\"", line: 5)
        #expect(result.diagnostics.errors.count == 2)
    }
}

import Foundation
