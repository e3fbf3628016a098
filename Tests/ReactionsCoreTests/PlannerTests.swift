import Testing
@testable import ReactionsCore

@Suite struct PlannerTests {
    func config(_ members: String, extra: [String: String] = [:]) throws -> Config {
        let result = try ConfigFixture(members: members, extra: extra).load()
        #expect(!result.hasErrors, "\(result.diagnostics)")
        return result.config
    }

    let base = #""services": [{"name": "cart", "owner": "team-a"}], "endpoints": [{"name": "ci", "kind": "deploy"}, {"name": "hook", "kind": "webhook", "path": "/t/hook", "auth": "none"}]"#

    @Test func firstPlanCreatesEverythingWithIDsKnownAfterApply() throws {
        let plan = Planner().plan(config: try config(base), current: .empty, base: nil)
        #expect(plan.changes.map(\.address.description) == ["service.cart", "endpoint.ci", "endpoint.hook"])
        #expect(plan.changes.allSatisfy { $0.action == .create })
        let ci = try #require(plan.changes.first { $0.address.name == "ci" })
        #expect(ci.fields.contains { $0.path == "id" && $0.afterUnknown })
        #expect(plan.summaryLine == "Plan: 3 to add, 0 to change, 0 to destroy.")
    }

    @Test func appliedStateGivesAnEmptyPlanAndKeepsGeneratedIDs() throws {
        let c = try config(base)
        let first = Planner().plan(config: c, current: .empty, base: nil)
        let applied = Planner.finalize(first.desired, generateID: { "6f1c3b0e-6a43-4a55-9b7e-0d7b1f3c2a10" })
        let second = Planner().plan(config: c, current: applied, base: Plan.Base(number: 1, hash: applied.hash))
        #expect(!second.hasChanges, "\(second.changes)")
        #expect(second.desired == applied)
        #expect(second.desired.resources[ResourceAddress(.endpoint, "ci")]?["id"] == .string("6f1c3b0e-6a43-4a55-9b7e-0d7b1f3c2a10"))
    }

    @Test func updatesShowFieldLevelBeforeAndAfter() throws {
        let applied = Planner.finalize(Planner().plan(config: try config(base), current: .empty, base: nil).desired)
        let changed = try config(#""services": [{"name": "cart", "owner": "team-b", "aliases": ["shopping_cart"]}], "endpoints": [{"name": "ci", "kind": "deploy"}, {"name": "hook", "kind": "webhook", "path": "/t/hook", "auth": "none"}]"#)
        let plan = Planner().plan(config: changed, current: applied, base: nil)
        let change = try #require(plan.changes.first)
        #expect(plan.changes.count == 1)
        #expect(change.action == .update)
        #expect(change.fields.map(\.path) == ["aliases", "owner"])
        #expect(change.fields[1].before == .string("team-a") && change.fields[1].after == .string("team-b"))
        #expect(change.location?.position.line == 3)
    }

    @Test func endpointIDOrPathChangesAreReplacementsAndDeletionsAreDestructive() throws {
        let applied = Planner.finalize(Planner().plan(config: try config(base), current: .empty, base: nil).desired)
        let changed = try config(#""endpoints": [{"name": "ci", "kind": "deploy", "id": "00000000-0000-4000-8000-000000000001"}, {"name": "hook", "kind": "webhook", "path": "/t/renamed", "auth": "none"}]"#)
        let plan = Planner().plan(config: changed, current: applied, base: nil)
        #expect(plan.changes.map { "\($0.action.symbol) \($0.address)" } == ["- service.cart", "-/+ endpoint.ci", "-/+ endpoint.hook"])
        #expect(plan.changes[1].reasons.first?.contains("will get 404") == true)
        #expect(plan.changes[2].fields.first { $0.path == "path" }?.forcesReplacement == true)
        #expect(plan.summaryLine == "Plan: 2 to add, 0 to change, 3 to destroy.")
        #expect(plan.destructiveChanges.count == 3)
    }

    @Test func changingDeployToWebhookReplacesAndAWebhookBecomingDeployGetsANewID() throws {
        let applied = Planner.finalize(Planner().plan(config: try config(base), current: .empty, base: nil).desired)
        let swapped = try config(#""services": [{"name": "cart", "owner": "team-a"}], "endpoints": [{"name": "ci", "kind": "deploy"}, {"name": "hook", "kind": "deploy"}]"#)
        let plan = Planner().plan(config: swapped, current: applied, base: nil)
        let hook = try #require(plan.changes.first { $0.address.name == "hook" })
        #expect(hook.action == .replace)
        #expect(hook.fields.contains { $0.path == "id" && $0.afterUnknown })
    }

    @Test func scriptContentChangesShowInThePlan() throws {
        let members = #""reactions": [\#(deployReaction(then: #"{"script": {"path": "r.sh"}}"#))]"#
        let v1 = try config(members, extra: ["r.sh": "echo one\n"])
        let applied = Planner().plan(config: v1, current: .empty, base: nil).desired
        let v2 = try config(members, extra: ["r.sh": "echo two\n"])
        let plan = Planner().plan(config: v2, current: applied, base: nil)
        let field = try #require(plan.changes.first?.fields.first)
        #expect(field.path == "then.script.content_sha256")
        #expect(field.before == .string(SHA256.hexDigest("echo one\n")))
        #expect(field.after == .string(SHA256.hexDigest("echo two\n")))
        #expect(plan.scripts[SHA256.hexDigest("echo two\n")] == Array("echo two\n".utf8))
    }

    @Test func plansAreDeterministic() throws {
        let a = try config(base)
        let b = try config(base)
        let pa = PlanJSON.encode(Planner().plan(config: a, current: .empty, base: nil), asFile: true).compactText
        let pb = PlanJSON.encode(Planner().plan(config: b, current: .empty, base: nil), asFile: true).compactText
        #expect(pa == pb)
    }

    @Test func equivalentSpellingsNormalizeTheSame() throws {
        let a = try config(#""reactions": [\#(deployReaction(then: #"{"http": {"url": "https://e.com/", "method": "post", "timeout": "60s", "headers": {"B": "1", "a": "2"}}}"#))]"#)
        let b = try config(#""reactions": [\#(deployReaction(then: #"{"http": {"headers": {"a": "2", "B": "1"}, "timeout": "1m", "url": "https://e.com/", "method": "POST"}}"#))]"#)
        #expect(Normalizer.document(a) == Normalizer.document(b))
        #expect(Normalizer.document(a).hash == Normalizer.document(b).hash)
    }

    @Test func stateDocumentsRoundTripThroughTheDecoder() throws {
        let reaction = deployReaction(then: ##"{"script": {"path": "r.sh", "env": {"A": "#{deploy.service}"}}}"##)
        let c = try config(base + ", \"reactions\": [" + reaction + "]", extra: ["r.sh": "x"])
        let document = Planner.finalize(Normalizer.document(c))
        let reparsed = try StateDocument(json: JSONParser.value(document.json.compactText))
        #expect(reparsed == document)
        let (decoded, diagnostics) = reparsed.config()
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(Normalizer.document(decoded) == document)
    }

    @Test func planFilesRoundTrip() throws {
        let c = try config(#""reactions": [\#(deployReaction(then: #"{"script": {"path": "r.sh"}}"#))]"#, extra: ["r.sh": "echo\n"])
        let plan = Planner().plan(config: c, current: .empty, base: Plan.Base(number: 4, hash: "abc"))
        let read = try PlanJSON.decodeFile(JSONParser.value(PlanJSON.encode(plan, asFile: true).compactText))
        #expect(read.base == plan.base)
        #expect(read.desired == plan.desired)
        #expect(read.scripts == plan.scripts)
    }

    @Test func tamperedPlanFilesAreRefused() throws {
        let c = try config(#""reactions": [\#(deployReaction(then: #"{"script": {"path": "r.sh"}}"#))]"#, extra: ["r.sh": "echo\n"])
        var json = PlanJSON.encode(Planner().plan(config: c, current: .empty, base: nil), asFile: true).compactText
        json = json.replacingOccurrences(of: "ZWNobwo=", with: "ZXZpbAo=")
        #expect(throws: PlanJSON.FileError.self) { try PlanJSON.decodeFile(JSONParser.value(json)) }
        #expect(throws: PlanJSON.FileError.self) { try PlanJSON.decodeFile(JSONParser.value(#"{"version": 1}"#)) }
    }
}

@Suite struct FormatterTests {
    @Test func ordersStructuralKeysKeepsUserMapsAndIsIdempotent() throws {
        let input = #"{"reactions": [{"then": {"http": {"url": "https://e.com/", "method": "POST", "headers": {"Z": "1", "A": "2"}}}, "when": {"filter": {"z": "1", "a": "2"}, "events": ["deploy.succeeded"]}, "name": "r"}], "version": 1, "$schema": "x"}"#
        let once = try ConfigFormatter.format(input)
        #expect(once == """
        {
          "$schema": "x",
          "version": 1,
          "reactions": [
            {
              "name": "r",
              "when": {
                "events": ["deploy.succeeded"],
                "filter": {
                  "z": "1",
                  "a": "2"
                }
              },
              "then": {
                "http": {
                  "method": "POST",
                  "url": "https://e.com/",
                  "headers": {
                    "Z": "1",
                    "A": "2"
                  }
                }
              }
            }
          ]
        }

        """)
        #expect(try ConfigFormatter.format(once) == once)
        #expect(try JSONParser.value(once).sortedKeys == JSONParser.value(input).sortedKeys)
    }

    @Test func everyExampleIsAlreadyFormatted() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples").standardizedFileURL
        guard case .success(let listing) = ConfigLoader.documentFiles(at: examples.path) else { Issue.record("no examples"); return }
        let files = listing.files
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(try ConfigFormatter.format(text) == text, "\(file.lastPathComponent) is not canonically formatted")
        }
    }
}

import Foundation
