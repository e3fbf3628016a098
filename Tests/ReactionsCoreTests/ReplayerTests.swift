import Testing
@testable import ReactionsCore

/// `plan --replay`: recorded events matched against the running revision and the plan, with
/// the runtime's matching; figures checked against what each event must do by hand.
@Suite struct ReplayerTests {
    static func document(_ members: String) throws -> StateDocument {
        let result = try ConfigFixture(members: members).load()
        #expect(!result.hasErrors, "\(result.diagnostics)")
        return Normalizer.document(result.config)
    }

    static let before = """
        "services": [{"name": "cart", "aliases": ["shopping_cart"]}, {"name": "search"}],
        "integrations": [{"name": "nr", "template": "newrelic-deployment", "settings": {"application_id": "1", "api_key": {"secret": "NR_KEY"}}}],
        "reactions": [
          {"name": "prod-only", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Production"}},
           "then": {"http": {"url": "https://hooks.example.com/prod", "body": {"text": "#{deploy.service} #{deploy.environment}"}}}},
          {"name": "mark-nr", "when": {"events": ["deploy.succeeded"], "filter": {"service": "cart"}}, "then": {"integration": "nr"}},
          {"name": "retired", "when": {"events": ["deploy.failed"]}, "then": {"http": {"url": "https://hooks.example.com/failed"}}},
          {"name": "steady", "when": {"events": ["service.suggested"]}, "then": {"http": {"url": "https://hooks.example.com/new-service"}}}
        ]
        """

    /// Staging joins the filter, the integration's application changes, `retired` goes and
    /// `new` (failed deploys of search) comes.
    static let after = """
        "services": [{"name": "cart", "aliases": ["shopping_cart"]}, {"name": "search"}],
        "integrations": [{"name": "nr", "template": "newrelic-deployment", "settings": {"application_id": "2", "api_key": {"secret": "NR_KEY"}}}],
        "reactions": [
          {"name": "prod-only", "when": {"events": ["deploy.succeeded"], "filter": {"environment": ["Production", "Staging"]}},
           "then": {"http": {"url": "https://hooks.example.com/prod", "headers": {"Authorization": "Bearer #{secret.HOOK}"}, "body": {"text": "#{deploy.service} #{deploy.environment}"}}}},
          {"name": "mark-nr", "when": {"events": ["deploy.succeeded"], "filter": {"service": "cart"}}, "then": {"integration": "nr"}},
          {"name": "new", "when": {"events": ["deploy.failed"], "filter": {"service": "search"}}, "then": {"http": {"url": "https://hooks.example.com/new"}}},
          {"name": "steady", "when": {"events": ["service.suggested"]}, "then": {"http": {"url": "https://hooks.example.com/new-service"}}}
        ]
        """

    static func deploy(_ n: Int, service: String, environment: String, status: String = "succeeded", depth: Int = 0) -> JSON {
        var event = CloudEvent(id: "0193a0c8-0000-7000-8000-\(String(repeating: "0", count: 12 - String(n).count))\(n)", source: "/endpoints/ci",
                               type: "deploy.\(status)", time: "2026-12-06T01:00:\(n < 10 ? "0" : "")\(n)Z", subject: service,
                               data: .object(["service": .string(service), "environment": .string(environment), "status": .string(status),
                                              "id": .int(n), "deploy_number": .string(String(n))]),
                               service: service, environment: environment, endpoint: "ci")
        event.chainDepth = depth
        return event.envelope
    }

    @Test func countsWhatStartsAndStopsFiringAndRendersTheChange() throws {
        var replayer = Replayer(before: try Self.document(Self.before), after: try Self.document(Self.after))
        // Newest first, as the store hands them over.
        var events: [JSON] = []
        for n in (1...8).reversed() { events.append(Self.deploy(n, service: "cart", environment: n % 2 == 0 ? "Staging" : "Production")) }
        events.append(Self.deploy(20, service: "search", environment: "Production", status: "failed"))
        events.append(Self.deploy(21, service: "cart", environment: "Production", status: "failed"))
        events.append(Self.deploy(22, service: "cart", environment: "QA"))
        // Past the chain-depth limit: stored, but fires nothing either way.
        events.append(Self.deploy(23, service: "cart", environment: "Staging", depth: CloudEvent.maximumChainDepth))
        for e in events { replayer.add(e) }
        let replay = replayer.finish(since: "2026-12-05T01:00:00.000Z", until: "2026-12-06T01:00:00.000Z")

        #expect(replay.window == Replay.Window(since: "2026-12-05T01:00:00.000Z", until: "2026-12-06T01:00:00.000Z", events: 12))
        #expect(replay.reactions.map(\.name) == ["mark-nr", "new", "prod-only", "retired"], "steady is unchanged and fires the same")
        let byName = Dictionary(uniqueKeysWithValues: replay.reactions.map { ($0.name, $0) })

        let prod = try #require(byName["prod-only"])
        #expect(prod.change == .changed)
        #expect((prod.before, prod.after, prod.started, prod.stopped) == (4, 8, 4, 0))
        #expect(prod.startedExamples.map(\.id) == [8, 6, 4, 2].map { "0193a0c8-0000-7000-8000-00000000000\($0)" })
        #expect(prod.startedExamples.first?.environment == "Staging" && prod.startedExamples.first?.service == "cart")
        // Rendered for a started event (the newest), the secret as its name.
        let rendered = try #require(prod.rendered)
        #expect(rendered.event == "0193a0c8-0000-7000-8000-000000000008")
        #expect(rendered.after["url"] == .string("https://hooks.example.com/prod"))
        #expect(rendered.after["headers"]?["Authorization"]?.stringValue?.contains("HOOK") == true)
        #expect(rendered.after["body"]?["text"] == .string("cart Staging"))
        #expect(rendered.before == nil, "a started event does not fire before")

        let nr = try #require(byName["mark-nr"])
        #expect(nr.change == .integrationChanged)
        #expect((nr.before, nr.after, nr.started, nr.stopped) == (9, 9, 0, 0))
        let nrRendered = try #require(nr.rendered)
        #expect(nrRendered.after.compactText.contains("/applications/2/"), "\(nrRendered.after.compactText)")
        #expect(nrRendered.before?.compactText.contains("/applications/1/") == true, "the same event as the running revision renders it")
        #expect(!nrRendered.after.compactText.contains("NR_KEY") || nrRendered.after.compactText.contains("secret NR_KEY"))

        let retired = try #require(byName["retired"])
        #expect(retired.change == .deleted)
        #expect((retired.before, retired.after, retired.started, retired.stopped) == (2, 0, 0, 2))
        #expect(retired.stoppedExamples.map(\.type) == ["deploy.failed", "deploy.failed"])
        #expect(retired.rendered == nil)

        let new = try #require(byName["new"])
        #expect(new.change == .created)
        #expect((new.before, new.after, new.started, new.stopped) == (0, 1, 1, 0))

        // Unmatched: before, only the deep one (QA fires mark-nr); after, cart's failure too.
        #expect(replay.unmatchedBefore == 1)
        #expect(replay.unmatchedAfter == 2)
        #expect(replay.behaviourChanges.map(\.name) == ["new", "prod-only", "retired"])
    }

    @Test func examplesAreCappedAndTheJSONRoundTrips() throws {
        var replayer = Replayer(before: try Self.document(Self.before), after: try Self.document(Self.after))
        for n in (1...40).reversed() { replayer.add(Self.deploy(n, service: "cart", environment: "Staging")) }
        let replay = replayer.finish(since: nil, until: "2026-12-06T02:00:00.000Z")
        let prod = try #require(replay.reactions.first { $0.name == "prod-only" })
        #expect(prod.started == 40 && prod.startedExamples.count == Replay.examplesPerKind)
        #expect(replay.window.since == "2026-12-06T01:00:01Z", "the oldest event's time when no start was asked")
        #expect(Replay(json: replay.json) == replay)
        #expect(Replay(json: .object(["window": .null])) == nil)
    }

    /// A reaction the plan does not touch, whose firing changes through a resource it
    /// reads (here the service's owner, which its filter names), is listed as unchanged.
    @Test func anUnchangedReactionWhoseFiringChangesIsListed() throws {
        let reaction = #""reactions": [{"name": "team-a-deploys", "when": {"events": ["deploy.succeeded"], "filter": {"service.owner": "team-a"}}, "then": {"http": {"url": "https://x.example.com/"}}}]"#
        let before = try Self.document(#""services": [{"name": "cart", "owner": "team-a"}], "# + reaction)
        let after = try Self.document(#""services": [{"name": "cart", "owner": "team-b"}], "# + reaction)
        var replayer = Replayer(before: before, after: after)
        replayer.add(Self.deploy(2, service: "cart", environment: "Production"))
        replayer.add(Self.deploy(1, service: "search", environment: "Production"))
        let replay = replayer.finish(since: nil, until: "2026-12-06T02:00:00.000Z")
        let outcome = try #require(replay.reactions.first)
        #expect(replay.reactions.count == 1)
        #expect(outcome.name == "team-a-deploys" && outcome.change == nil)
        #expect((outcome.before, outcome.after, outcome.started, outcome.stopped) == (1, 0, 0, 1))
        #expect(replay.unmatchedBefore == 1 && replay.unmatchedAfter == 2)
    }
}
