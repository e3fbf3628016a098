import Testing
@testable import ReactionsCore

/// Rules of DESIGN §2 about documents and resources. Each rule has a test that proves
/// it fires, where, and that valid input passes.
@Suite struct DocumentValidationTests {
    @Test func aValidConfigHasNoDiagnostics() throws {
        let result = try ConfigFixture(members: """
        "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
        "endpoints": [{"name": "ci", "kind": "deploy"},
                      {"name": "myget", "kind": "webhook", "path": "/triggers/mygetpackage", "auth": {"api_key": {"secret": "MYGET_KEY"}}}],
        "reactions": [\(deployReaction())]
        """).load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.config.services.first?.aliases == ["shopping_cart"])
    }

    @Test func versionIsRequired() throws {
        let result = try ConfigFixture(["a.json": #"{"services": []}"#]).load()
        expectDiagnostic(result, "\"version\" is missing", line: 1, file: "a.json")
    }

    @Test func unknownVersionsAreClearErrors() throws {
        let newer = try ConfigFixture(["a.json": "{\n\"version\": 2}"]).load()
        expectDiagnostic(newer, "config version 2 is newer than this reactions understands", line: 2, file: "a.json")
        expectDiagnostic(newer, "upgrade reactions", file: "a.json")
        let unknown = try ConfigFixture(["a.json": #"{"version": 0}"#]).load()
        expectDiagnostic(unknown, "config version 0 is unknown", file: "a.json")
        let text = try ConfigFixture(["a.json": #"{"version": "1"}"#]).load()
        expectDiagnostic(text, "must be a whole number", file: "a.json")
    }

    @Test func invalidJSONNamesFileLineAndColumn() throws {
        let result = try ConfigFixture(["dir/bad.json": "{\n  \"version\": 1,\n}"]).load()
        let d = try #require(result.diagnostics.first)
        #expect(d.location?.file == "dir/bad.json")
        #expect(d.location?.position == SourcePosition(line: 3, column: 1))
        #expect(d.message.contains("trailing comma"))
    }

    @Test func unknownFieldsSuggestTheClosestName() throws {
        let result = try ConfigFixture(members: #""services": [{"name": "a", "ownr": "x"}]"#).load()
        expectDiagnostic(result, "unknown field \"ownr\" in a service", line: 3)
        expectDiagnostic(result, "did you mean \"owner\"?")
    }

    @Test(arguments: ["Shopping", "-x", "a_b", "", String(repeating: "a", count: 64)])
    func namesFollowThePattern(name: String) throws {
        let result = try ConfigFixture(members: #""services": [{"name": "\#(name)"}]"#).load()
        #expect(!result.diagnostics(.error, containing: "not a valid service name").isEmpty || !result.diagnostics(.error, containing: "must not be empty").isEmpty,
                "\(result.diagnostics)")
    }

    @Test func namesAreUniquePerKindAcrossFiles() throws {
        let result = try ConfigFixture([
            "a.json": #"{"version": 1, "services": [{"name": "cart"}]}"#,
            "b.json": "{\"version\": 1,\n \"services\": [{\"name\": \"cart\"}], \"endpoints\": [{\"name\": \"cart\", \"kind\": \"deploy\"}]}",
        ]).load()
        expectDiagnostic(result, "duplicate service name \"cart\"", line: 2, file: "b.json")
        expectDiagnostic(result, "the first is at a.json:1")
        // A different kind may reuse the name: identity is kind + name.
        #expect(result.diagnostics(.error, containing: "duplicate endpoint").isEmpty)
    }

    @Test func aliasesLeadToExactlyOneService() throws {
        let result = try ConfigFixture(members: #""services": [{"name": "cart", "aliases": ["shop"]}, {"name": "shop"}, {"name": "web", "aliases": ["cart-old", "cart-old"]}]"#).load()
        #expect(!result.diagnostics(.error, containing: "the alias \"shop\" already names service").isEmpty
                || !result.diagnostics(.error, containing: "\"cart\"").isEmpty, "\(result.diagnostics)")
        expectDiagnostic(result, "listed twice")
    }

    @Test func errorsAreCollectedNotFirstOnly() throws {
        let result = try ConfigFixture(members: """
        "services": [{"name": "Bad"}, {"name": "ok", "colour": 1}],
        "endpoints": [{"name": "w", "kind": "webhook", "path": "/api/x", "auth": "none"}],
        "reactions": [\(deployReaction(then: #"{"http": {"url": "https://#{payload.host}/x"}}"#))]
        """).load()
        #expect(result.diagnostics.errors.count >= 4, "\(result.diagnostics)")
        // Sorted by position: output does not depend on which rule ran first.
        let lines = result.diagnostics.compactMap { $0.location?.position.line }
        #expect(lines == lines.sorted())
    }
}

@Suite struct EndpointValidationTests {
    func webhook(_ extra: String) -> String {
        #""endpoints": [{"name": "hook", "kind": "webhook", \#(extra)}]"#
    }

    @Test(arguments: ["/api/x", "/integrations/deploy/1", "/healthz", "/readyz", "/metrics", "/metrics/x", "/api"])
    func webhookPathsMayNotUseReservedPrefixes(path: String) throws {
        let result = try ConfigFixture(members: webhook(#""path": "\#(path)", "auth": "none""#)).load()
        expectDiagnostic(result, "which reactions reserves for its own routes", line: 3)
    }

    @Test(arguments: ["triggers", "/a b", "/a//b", "/a/../b", "/x?y=1", "/"])
    func webhookPathsAreCleanAbsolutePaths(path: String) throws {
        let result = try ConfigFixture(members: webhook(#""path": "\#(path)", "auth": "none""#)).load()
        #expect(result.diagnostics.errors.contains { $0.location?.pointer.description == "/endpoints/0/path" }, "\(result.diagnostics)")
    }

    @Test func webhookPathsAndDeployIDsAreUnique() throws {
        let id = "6f1c3b0e-6a43-4a55-9b7e-0d7b1f3c2a10"
        let result = try ConfigFixture(members: """
        "endpoints": [{"name": "a", "kind": "webhook", "path": "/t/x", "auth": "none"},
                      {"name": "b", "kind": "webhook", "path": "/t/x", "auth": "none"},
                      {"name": "c", "kind": "deploy", "id": "\(id)"},
                      {"name": "d", "kind": "deploy", "id": "\(id.uppercased())"}]
        """).load()
        expectDiagnostic(result, "already served by endpoint \"a\"", line: 4)
        expectDiagnostic(result, "already used by endpoint \"c\"", line: 6)
    }

    @Test func authMustBeExplicitAndNoneWarns() throws {
        let missing = try ConfigFixture(members: webhook(#""path": "/t/x""#)).load()
        expectDiagnostic(missing, "a webhook endpoint needs \"auth\"")
        let none = try ConfigFixture(members: webhook(#""path": "/t/x", "auth": "none""#)).load()
        #expect(!none.hasErrors)
        expectDiagnostic(none, .warning, "accepts requests from anyone")
    }

    @Test func authForms() throws {
        let good = try ConfigFixture(members: """
        "endpoints": [{"name": "a", "kind": "webhook", "path": "/a", "auth": {"hmac": {"preset": "github", "secret": {"secret": "GH"}}}},
                      {"name": "b", "kind": "webhook", "path": "/b", "auth": {"hmac": {"preset": "standard-webhooks", "secret": {"secret": "SW"}}}},
                      {"name": "c", "kind": "webhook", "path": "/c", "auth": {"hmac": {"header": "X-Sig", "prefix": "v1=", "encoding": "base64", "secret": {"secret": "C"}}}}]
        """).load()
        #expect(good.diagnostics.isEmpty, "\(good.diagnostics)")
        let bad = try ConfigFixture(members: """
        "endpoints": [{"name": "a", "kind": "webhook", "path": "/a", "auth": {"hmac": {"preset": "gitlab", "secret": {"secret": "X"}}}},
                      {"name": "b", "kind": "webhook", "path": "/b", "auth": {"hmac": {"preset": "github", "header": "X", "secret": {"secret": "X"}}}},
                      {"name": "c", "kind": "webhook", "path": "/c", "auth": {"hmac": {"header": "X-Sig", "secret": {"secret": "X"}}}},
                      {"name": "d", "kind": "webhook", "path": "/d", "auth": {"api_key": "literal-key"}},
                      {"name": "e", "kind": "webhook", "path": "/e", "auth": {"api_key": {"secret": "lower case"}}},
                      {"name": "f", "kind": "webhook", "path": "/f", "auth": "basic"}]
        """).load()
        expectDiagnostic(bad, "unknown HMAC preset \"gitlab\"", line: 3)
        expectDiagnostic(bad, "cannot be combined with a preset", line: 4)
        expectDiagnostic(bad, "\"encoding\" is required", line: 5)
        expectDiagnostic(bad, "must be a secret reference, not a literal", line: 6)
        expectDiagnostic(bad, "not a valid secret name", line: 7)
        expectDiagnostic(bad, "\"auth\" must be \"none\" or an object", line: 8)
    }

    @Test func deployAndWebhookFieldsDoNotMix() throws {
        let result = try ConfigFixture(members: """
        "endpoints": [{"name": "a", "kind": "deploy", "path": "/x"},
                      {"name": "b", "kind": "webhook", "id": "6f1c3b0e-6a43-4a55-9b7e-0d7b1f3c2a10", "path": "/b", "auth": "none"},
                      {"name": "c", "kind": "deploy", "id": "not-a-uuid"},
                      {"name": "d", "kind": "lambda"}]
        """).load()
        expectDiagnostic(result, "a deploy endpoint has no \"path\"", line: 3)
        expectDiagnostic(result, "a webhook endpoint has no \"id\"", line: 4)
        expectDiagnostic(result, "must be a UUID", line: 5)
        expectDiagnostic(result, "unknown endpoint kind \"lambda\"", line: 6)
    }
}
