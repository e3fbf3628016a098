import Testing
@testable import ReactionsCore

@Suite struct TemplateTests {
    @Test func parsesExpressionsFiltersAndArguments() throws {
        let t = try Template(parsing: #"Deploy #{deploy.service | upper} to #{ deploy.environment | default: "none" | lower }!"#)
        #expect(t.expressions.map(\.dottedPath) == ["deploy.service", "deploy.environment"])
        #expect(t.expressions[1].filters == [.init(name: "default", argument: .string("none")), .init(name: "lower", argument: nil)])
        #expect(t.parts.count == 5)
        #expect(t.singleExpression == nil)
    }

    @Test func singleExpressionIsTyped() throws {
        #expect(try Template(parsing: "#{deploy.deploy_number}").singleExpression?.path == ["deploy", "deploy_number"])
    }

    @Test func doubleHashEscapes() throws {
        let t = try Template(parsing: "literal ##{not.a.variable}")
        #expect(t.isLiteral)
        #expect(t.literalText == "literal #{not.a.variable}")
    }

    @Test func collectsSecretNames() throws {
        #expect(try Template(parsing: "Bearer #{secret.MONITOR_TOKEN}").secretNames == ["MONITOR_TOKEN"])
    }

    @Test(arguments: [
        ("#{deploy.service", "not closed", 0),
        ("x #{}", "variable name is expected", 4),
        ("#{deploy.service | shout}", "unknown filter `shout`", 19),
        ("#{a | default}", "needs a value", 6),
        ("#{a | upper: \"x\"}", "takes no value", 6),
        ("#{a b}", "expected `|` or `}`", 4),
        ("#{a | default: \"x}", "not closed", 15),
        ("#{a | default: bare}", "is not a value", 15),
        ("#{a..b}", "variable name", 4),
    ])
    func reportsSyntaxErrorsWithOffsets(source: String, message: String, offset: Int) {
        do {
            _ = try Template(parsing: source)
            Issue.record("expected an error for \(source)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.offset == offset)
        }
    }

    @Test func variablesAreCheckedAgainstEventTypes() {
        let deploy = Set(EventType.deployTypes)
        #expect(TemplateVariables.problem(with: ["deploy", "service"], eventTypes: deploy) == nil)
        #expect(TemplateVariables.problem(with: ["deploy", "commit", "sha"], eventTypes: deploy) == nil)
        #expect(TemplateVariables.problem(with: ["deploy", "servce"], eventTypes: deploy)?.contains("did you mean `deploy.service`") == true)
        #expect(TemplateVariables.problem(with: ["payload", "Anything", "Deep"], eventTypes: [EventType.webhookReceived]) == nil)
        #expect(TemplateVariables.problem(with: ["deploy", "service"], eventTypes: [EventType.webhookReceived])?.contains("not available for webhook.received") == true)
        #expect(TemplateVariables.problem(with: ["nope"], eventTypes: deploy)?.contains("unknown variable") == true)
        #expect(TemplateVariables.problem(with: ["secret", "lower-case"], eventTypes: deploy) != nil)
        #expect(TemplateVariables.problem(with: ["secret", "TOKEN"], eventTypes: deploy, allowSecrets: false) != nil)
    }
}

@Suite struct GlobTests {
    @Test(arguments: [
        ("Shop.*", "Shop.Web", true), ("Shop.*", "Shop.", true), ("Shop.*", "Shopping", false),
        ("*-prod", "eu-prod", true), ("*-prod", "eu-production", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("[a-c]x", "bx", true), ("[!a-c]x", "bx", false), ("[!a-c]x", "dx", true), ("*a*b*c*", "xxaxxbxxcxx", true),
        ("\\*", "*", true), ("\\*", "x", false), ("", "", true), ("*", "", true),
    ])
    func matches(pattern: String, text: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(text) == expected)
    }

    @Test func pathologicalPatternIsFast() throws {
        // Exponential backtracking would never finish this; the matcher is linear per star.
        let glob = try Glob(String(repeating: "*a", count: 30) + "b")
        #expect(!glob.matches(String(repeating: "a", count: 5000)))
    }

    @Test func rejectsBrokenSyntax() {
        #expect(throws: Glob.SyntaxError.self) { try Glob("[abc") }
        #expect(throws: Glob.SyntaxError.self) { try Glob("x\\") }
        #expect(throws: Glob.SyntaxError.self) { try Glob("[z-a]") }
    }
}

@Suite struct DurationTests {
    @Test(arguments: [("500ms", 500), ("60s", 60_000), ("5m", 300_000), ("1h30m", 5_400_000), ("2d", 172_800_000)])
    func parses(text: String, ms: Int64) {
        #expect(DurationValue(parsing: text)?.milliseconds == ms)
    }

    @Test(arguments: ["", "10", "s", "1x", "1.5s", "-1s", "99999999999999999999s", "1h 30m"])
    func rejects(text: String) {
        #expect(DurationValue(parsing: text) == nil)
    }

    @Test func canonicalSpelling() {
        #expect(DurationValue(parsing: "90s")?.description == "1m30s")
        #expect(DurationValue(parsing: "1500ms")?.description == "1s500ms")
    }
}
