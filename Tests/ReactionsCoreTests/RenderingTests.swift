import Testing
import TestSupport
@testable import ReactionsCore

@Suite struct RenderingTests {
    let context = TemplateContext(variables: .sortedObject([
        "deploy": .sortedObject(["service": .string("shopping-cart"), "deploy_number": .int(234), "environment": .string("Prod uction"),
                                 "description": .string("Merge \"fix\"\nnext line"), "commit": .object(["sha": .string("38d02f1")])]),
        "event": .sortedObject(["type": .string("deploy.succeeded")]),
        "payload": .sortedObject(["items": .array([.object(["id": .int(7)])]), "empty": .string(""), "none": .null]),
    ]), secret: { $0 == "TOKEN" ? "s3cret" : nil })

    func render(_ source: String, for target: TemplateTarget = .text) throws -> String {
        try Template(parsing: source).render(context, for: target)
    }

    @Test func textFiltersAndPaths() throws {
        #expect(try render("#{deploy.service | upper} #{deploy.deploy_number} #{event.type}") == "SHOPPING-CART 234 deploy.succeeded")
        #expect(try render("#{payload.items.0.id}") == "7")
        #expect(try render("[#{payload.missing}] [#{payload.none}]") == "[] []")
        #expect(try render(#"#{payload.empty | default: "x"} #{payload.none | default: "y"} #{payload.missing | default: 3}"#) == "x y 3")
        #expect(try render("#{deploy.commit | json}") == #"{"sha":"38d02f1"}"#)
        #expect(try render("#{deploy.service | base64}") == "c2hvcHBpbmctY2FydA==")
        #expect(try render("#{  deploy.service  |  lower  |  trim  }") == "shopping-cart")
        #expect(try render("literal ##{not.a.variable}") == "literal #{not.a.variable}")
    }

    @Test func secretsResolveOnlyThroughTheResolver() throws {
        #expect(try render("Bearer #{secret.TOKEN}") == "Bearer s3cret")
        #expect(try render("#{secret.MISSING}") == "«secret MISSING»")
        let dryRun = TemplateContext(variables: context.variables)
        #expect(try Template(parsing: "#{secret.TOKEN}").render(dryRun) == "«secret TOKEN»")
    }

    @Test func urlsEncodeSubstitutionsSoPayloadsCannotAddPathsOrParameters() throws {
        #expect(try render("https://e.com/d/#{deploy.environment}?q=#{deploy.description}", for: .url)
                == "https://e.com/d/Prod%20uction?q=Merge%20%22fix%22%0Anext%20line")
        #expect(try render("https://e.com/#{deploy.environment | url}", for: .url) == "https://e.com/Prod%20uction")
        let hostile = TemplateContext(variables: .object(["payload": .object(["p": .string("../admin?x=1#f")])]))
        #expect(try Template(parsing: "https://e.com/a/#{payload.p}").render(hostile, for: .url) == "https://e.com/a/..%2Fadmin%3Fx%3D1%23f")
    }

    @Test func headersCannotBeSplit() throws {
        #expect(try render("x-#{deploy.description}", for: .header) == "x-Merge \"fix\" next line")
    }

    @Test func bodiesSubstituteTypedValuesAndEscapeText() throws {
        let node = try JSONParser.parse(##"{"n": "#{deploy.deploy_number}", "commit": "#{deploy.commit}", "text": "#{deploy.service}: #{deploy.description}", "missing": "#{payload.nope}", "tags": ["#{deploy.environment}", 1, true]}"##)
        var ctx = DecodingContext(file: "t", allowComputed: false)
        let body = HTTPActionDecoder.templatedJSON(node, .root, &ctx)
        let rendered = body.render(context)
        #expect(rendered["n"] == .int(234))
        #expect(rendered["commit"] == .object(["sha": .string("38d02f1")]))
        #expect(rendered["missing"] == .null)
        #expect(rendered["tags"] == .array([.string("Prod uction"), .int(1), .bool(true)]))
        #expect(rendered.compactText.contains(#""text":"shopping-cart: Merge \"fix\"\nnext line""#))
    }
}

@Suite struct MatchingTests {
    func config(_ members: String) throws -> Config {
        let result = try ConfigFixture(members: members).load()
        #expect(!result.hasErrors, "\(result.diagnostics)")
        return result.config
    }

    func deployEvent(service: String, environment: String, type: String = "deploy.succeeded", endpoint: String = "ci", branch: String = "main") -> JSON {
        CloudEvent(id: "e", source: "/endpoints/\(endpoint)", type: type, time: "2019-02-01T13:28:33.000Z", subject: service,
                   data: .object(["service": .string(service), "environment": .string(environment), "deploy_number": .string("234"),
                                  "commit": .object(["branch": .string(branch)])]),
                   service: service, environment: environment, endpoint: endpoint).envelope
    }

    @Test func conditions() throws {
        #expect(Condition.equals(.string("234")).matches(.int(234)))
        #expect(Condition.equals(.int(234)).matches(.string("234")))
        #expect(!Condition.equals(.string("a")).matches(nil))
        #expect(Condition.oneOf([.string("a"), .string("b")]).matches(.string("b")))
        #expect(Condition.glob(try Glob("release/*")).matches(.string("release/1.2")))
        #expect(!Condition.glob(try Glob("release/*")).matches(.object([:])))
        #expect(Condition.prefix("rel").matches(.string("release")))
        #expect(Condition.regex("^v[0-9]+$").matches(.string("v12")))
        #expect(!Condition.regex("^v[0-9]+$").matches(.string("v1x")))
        #expect(Condition.exists(true).matches(.string("")))
        #expect(Condition.exists(false).matches(nil))
        #expect(Condition.exists(false).matches(.null))
    }

    @Test func firesByTypeServiceFilterAndEndpoint() throws {
        let c = try config("""
        "services": [{"name": "cart"}, {"name": "search"}],
        "endpoints": [{"name": "ci", "kind": "deploy"}, {"name": "other", "kind": "deploy"}],
        "reactions": [
          {"name": "prod-cart", "when": {"events": ["deploy.succeeded"], "filter": {"service": "cart", "environment": "Production"}}, "then": {"http": {"url": "https://e.com/"}}},
          {"name": "all-deploys", "when": {"events": ["deploy.*"]}, "then": {"http": {"url": "https://e.com/"}}},
          {"name": "from-other", "when": {"endpoint": "other"}, "then": {"http": {"url": "https://e.com/"}}},
          {"name": "release-branches", "when": {"events": ["deploy.succeeded"], "filter": {"deploy.commit.branch": {"glob": "release/*"}}}, "then": {"http": {"url": "https://e.com/"}}},
          {"name": "off", "enabled": false, "when": {"events": ["deploy.succeeded"]}, "then": {"http": {"url": "https://e.com/"}}}
        ]
        """)
        let index = ReactionIndex(config: c)
        func firing(_ envelope: JSON) -> [String] {
            index.firing(envelope: envelope, context: TemplateContext(variables: EventVariables.make(envelope: envelope, config: c))).map(\.name)
        }
        #expect(firing(deployEvent(service: "cart", environment: "Production")) == ["all-deploys", "prod-cart"])
        #expect(firing(deployEvent(service: "cart", environment: "Staging")) == ["all-deploys"])
        #expect(firing(deployEvent(service: "search", environment: "Production", branch: "release/2")) == ["all-deploys", "release-branches"])
        #expect(firing(deployEvent(service: "cart", environment: "Production", type: "deploy.failed", endpoint: "other")) == ["all-deploys", "from-other"])
        let envelope = deployEvent(service: "cart", environment: "Staging")
        let explained = index.explain(envelope: envelope, context: TemplateContext(variables: EventVariables.make(envelope: envelope, config: c)))
        #expect(explained.first { $0.reaction.name == "prod-cart" }?.failingClause?.path == "environment")
        #expect(explained.first { $0.reaction.name == "from-other" }?.failingClause?.path == "event.type")
        #expect(explained.first { $0.reaction.name == "all-deploys" }?.fires == true)
    }

    @Test func theIndexAgreesWithAFullScan() throws {
        var rng = SplitMix64(seed: 42)
        let services = (0..<20).map { "svc-\($0)" }
        let reactions = (0..<400).map { i -> String in
            let events = [#"["deploy.succeeded"]"#, #"["deploy.*"]"#, #"["deploy.failed", "deploy.started"]"#][Int(rng.next() % 3)]
            let filter: String
            switch rng.next() % 4 {
            case 0: filter = #"{"service": "\#(services[Int(rng.next() % 20)])"}"#
            case 1: filter = #"{"service": ["\#(services[Int(rng.next() % 20)])", "\#(services[Int(rng.next() % 20)])"], "environment": "prod"}"#
            case 2: filter = #"{"environment": {"prefix": "pro"}}"#
            default: filter = "{}"
            }
            return #"{"name": "r\#(i)", "when": {"events": \#(events), "filter": \#(filter)}, "then": {"http": {"url": "https://e.com/"}}}"#
        }
        let c = try config(#""services": [\#(services.map { #"{"name": "\#($0)"}"# }.joined(separator: ","))], "reactions": [\#(reactions.joined(separator: ","))]"#)
        let index = ReactionIndex(config: c)
        for _ in 0..<200 {
            let type = ["deploy.succeeded", "deploy.failed", "deploy.started"][Int(rng.next() % 3)]
            let envelope = deployEvent(service: services[Int(rng.next() % 20)], environment: ["prod", "staging"][Int(rng.next() % 2)], type: type)
            let context = TemplateContext(variables: EventVariables.make(envelope: envelope, config: c))
            let indexed = index.firing(envelope: envelope, context: context).map(\.name)
            let scanned = index.explain(envelope: envelope, context: context).filter(\.fires).map(\.reaction.name)
            #expect(indexed == scanned)
        }
    }
}

@Suite struct EventVariablesTests {
    @Test func theDeclaredServiceIsFoundTheSameWayByIndexAndByScan() throws {
        var config = Config()
        let here = SourceLocation(file: "services.json", position: SourcePosition(line: 1, column: 1), pointer: .root)
        config.services = (0..<50).map { Service(name: "svc-\($0)", aliases: ["alias-\($0)"], owner: "team-\($0 % 3)",
                                                 description: "service \($0)", location: here) }
        let envelope = CloudEvent(id: "e", source: "/endpoints/ci", type: "deploy.succeeded", time: "2026-01-01T00:00:00.000Z",
                                  subject: "svc-42", data: .object(["service": .string("alias-42")]),
                                  service: "svc-42", environment: "Production", endpoint: "ci").envelope
        let scanned = EventVariables.make(envelope: envelope, config: config)
        let indexed = EventVariables.make(envelope: envelope, services: ServiceIndex(config.services))
        #expect(scanned == indexed)
        let context = TemplateContext(variables: indexed)
        #expect(try Template(parsing: "#{service.name} #{service.owner} #{service.description}").render(context, for: .text)
                == "svc-42 team-0 service 42")
        // An undeclared service (a suggestion) has no `service` root in either.
        let unknown = CloudEvent(id: "e", source: "/endpoints/ci", type: "deploy.succeeded", time: "2026-01-01T00:00:00.000Z",
                                 subject: "mystery", data: .object([:]), service: "mystery").envelope
        #expect(EventVariables.make(envelope: unknown, services: ServiceIndex(config.services))["service"] == nil)
        #expect(EventVariables.make(envelope: unknown, config: config)["service"] == nil)
    }

    /// Matching reads one path at a time without building the variables; it must answer
    /// exactly what the built variables hold, for every root of every event type.
    @Test func oneValueAtAPathIsWhatTheBuiltVariablesHold() throws {
        let here = SourceLocation(file: "services.json", position: SourcePosition(line: 1, column: 1), pointer: .root)
        let services = ServiceIndex([Service(name: "cart", aliases: ["shopping_cart"], owner: "payments", description: nil, location: here)])
        let data: JSON = .object(["service": .string("shopping_cart"), "deploy_number": .string("7"), "id": .int(3),
                                  "commit": .object(["sha": .string("abc"), "files": .array([.string("a"), .string("b")])]),
                                  "payload": .object(["ref": .string("main")]), "query": .object(["x": .string("1")]),
                                  "headers": .object(["x-github-event": .string("push")])])
        let types = EventType.builtIn + ["custom.thing"]
        var events: [CloudEvent] = []
        for type in types {
            for service in ["cart", "mystery", nil] as [String?] {
                events.append(CloudEvent(id: "e1", source: "/endpoints/ci", type: type, time: "2026-01-01T00:00:00.000Z",
                                         subject: service, data: data, service: service, environment: "Production", endpoint: "ci",
                                         causationID: "e0", chainDepth: 1))
            }
        }
        // And one with no optional attribute and no data.
        events.append(CloudEvent(id: "e2", source: "/", type: "deploy.failed", time: "2026-01-01T00:00:00.000Z", subject: nil, data: .null))
        let roots = ["event", "data", "deploy", "payload", "service", "query", "headers", "suggestion", "revision", "failure",
                     "reaction", "delivery", "nothing"]
        let below = [[], ["id"], ["type"], ["service"], ["environment"], ["chaindepth"], ["data"], ["specversion"], ["subject"],
                     ["causationid"], ["endpoint"], ["source"], ["time"], ["datacontenttype"], ["commit"],
                     ["commit", "sha"], ["commit", "files", "1"], ["commit", "files", "2"], ["commit", "files", "x"], ["ref"], ["x"],
                     ["x-github-event"], ["name"], ["owner"], ["description"], ["deploy_number"], ["missing", "deeper"]]
        var compared = 0
        for event in events {
            let context = TemplateContext(variables: EventVariables.make(envelope: event.envelope, services: services))
            for path in [[]] + roots.flatMap({ root in below.map { [root] + $0 } }) {
                #expect(EventVariables.value(at: path, event: event, data: { event.data }, services: services) == context.value(at: path),
                        "\(event.type) \(path)")
                compared += 1
            }
        }
        #expect(compared > 5_000)
    }
}
