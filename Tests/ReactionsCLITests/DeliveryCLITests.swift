import Foundation
import Testing
import ReactionsCore
import TestSupport

/// The delivery half end to end: the built binary serving, a loopback receiver, the outbox
/// in a real state file, and the commands that read it.
@Suite struct DeliveryCLITests {
    static let services = #""services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}]"#

    func httpReaction(_ name: String, url: String, events: String = #"["deploy.succeeded"]"#, body: String = ##"{"n": "#{deploy.deploy_number}", "text": "#{deploy.description}"}"##,
                      retry: String = #"{"max_attempts": 3, "initial_delay": "200ms", "max_delay": "400ms"}"#) -> String {
        ##"{"name": "\##(name)", "when": {"events": \##(events)}, "retry": \##(retry), "then": {"http": {"method": "POST", "url": "\##(url)", "headers": {"X-Env": "#{event.environment}"}, "body": \##(body)}}}"##
    }

    func deliveries(_ cli: CLI, _ extra: [String] = []) throws -> [JSON] {
        try JSONParser.value(try cli.run(["deliveries", "--state", cli.state, "--format", "json"] + extra).stdout).arrayValue ?? []
    }

    @Test func aDeployFiresAnHTTPReactionWithTheDeliveryIDAsWebhookID() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.services + ", \"reactions\": [" + httpReaction("mark", url: receiver.url + "/markers/#{deploy.service}") + "]")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        defer { _ = server.stop() }
        let response = try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody(number: "42"))
        #expect(response.status == 202)
        let got = try await receiver.wait(for: 1)
        #expect(got.count == 1)
        let request = try #require(got.first)
        #expect(request.method == "POST")
        #expect(request.head.target == "/markers/shopping_cart")
        #expect(request.headers["x-env"] == "Production")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"n":"42","text":"Deployed by CI Pipeline"}"#)
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("delivered") })
        let delivery = try #require(try deliveries(cli).first)
        #expect(delivery["id"]?.stringValue == request.headers["webhook-id"])
        #expect(delivery["attempts"] == .int(1) && delivery["reaction"] == .string("mark") && delivery["event_type"] == .string("deploy.succeeded"))
        // explain shows what happened to the recorded event, attempt by attempt.
        let eventID = try #require(delivery["event_id"]?.stringValue)
        let explained = try JSONParser.value(try cli.run(["explain", eventID, "--state", cli.state, "--format", "json"]).stdout)
        let attempt = explained["deliveries"]?.arrayValue?.first?["attempt_log"]?.arrayValue?.first
        #expect(attempt?["http_status"] == .int(200) && attempt?["succeeded"] == .bool(true) && attempt?["response"] == .string("thanks"))
        let text = try cli.run(["explain", eventID, "--state", cli.state])
        #expect(text.stdout.contains("of mark: delivered after 1 attempt") && text.stdout.contains("HTTP 200"), "\(text)")
        // Nothing fires twice: one event, one delivery, one request.
        try await Task.sleep(for: .milliseconds(300))
        #expect(receiver.requests.count == 1)
    }

    @Test func failuresAreRetriedThenDeadLetteredWithReactionFailedAndCanBeRetried() async throws {
        let flaky = try Receiver(answers: [500])
        let down = try Receiver(answers: [503, 503])
        let alerts = try Receiver()
        defer { flaky.stop(); down.stop(); alerts.stop() }
        let cli = try CLI()
        let reactions = [
            httpReaction("flaky", url: flaky.url + "/hook"),
            httpReaction("doomed", url: down.url + "/hook", retry: #"{"max_attempts": 2, "initial_delay": "200ms"}"#),
            httpReaction("alert-on-failure", url: alerts.url + "/alerts", events: #"["reaction.failed"]"#,
                         body: ##"{"reaction": "#{failure.reaction}", "attempts": "#{failure.attempts}", "error": "#{failure.error}"}"##),
        ]
        try cli.writeConfig(Self.services + ", \"reactions\": [" + reactions.joined(separator: ",") + "]")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        defer { _ = server.stop() }
        #expect(try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)

        // flaky: 500, then 200 on the retry, with the same webhook-id both times.
        let flakyRequests = try await flaky.wait(for: 2)
        #expect(flakyRequests.count == 2)
        #expect(Set(flakyRequests.map { $0.headers["webhook-id"] ?? "" }).count == 1)
        // doomed: two attempts, then a dead letter whose reaction.failed event fires the alert.
        let alert = try #require(try await alerts.wait(for: 1).first)
        #expect(String(decoding: alert.body, as: UTF8.self) == #"{"reaction":"doomed","attempts":2,"error":"unexpected status 503"}"#)
        #expect(down.requests.count == 2)
        #expect(try await eventually { try deliveries(cli, ["--reaction", "flaky"]).first?["status"] == .string("delivered") })
        let failed = try deliveries(cli, ["--status", "failed"])
        #expect(failed.map { $0["reaction"] } == [.string("doomed")])
        #expect(failed.first?["attempts"] == .int(2) && failed.first?["last_error"] == .string("unexpected status 503"))
        let shown = try cli.run(["deliveries", "show", try #require(failed.first?["id"]?.stringValue), "--state", cli.state])
        #expect(shown.stdout.contains("#1") && shown.stdout.contains("#2") && shown.stdout.contains("HTTP 503"), "\(shown)")
        let list = try cli.run(["deliveries", "--state", cli.state, "--status", "failed"])
        #expect(list.stdout.contains("doomed") && list.stdout.contains("failed"))

        // Redelivery: the receiver is back (200 now); the same delivery goes out again.
        let id = try #require(failed.first?["id"]?.stringValue)
        let retried = try cli.run(["deliveries", "retry", id, "--state", cli.state])
        #expect(retried.code == 0, "\(retried)")
        let third = try await down.wait(for: 3)
        #expect(third.count == 3 && third.last?.headers["webhook-id"] == id)
        #expect(try await eventually { try deliveries(cli, ["--reaction", "doomed"]).first?["status"] == .string("delivered") })
        #expect(try deliveries(cli, ["--reaction", "doomed"]).first?["attempts"] == .int(3))
        let unknown = try cli.run(["deliveries", "retry", "no-such-delivery", "--state", cli.state])
        #expect(unknown.code == 1 && unknown.stderr.contains("there is no delivery no-such-delivery"))
        #expect(server.log.contains { $0.contains("dead-lettered") })
    }

    @Test func retryingDeliveriesResumeAfterKill9() async throws {
        let receiver = try Receiver(answers: Array(repeating: 503, count: 1000))
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.services + ", \"reactions\": [" + httpReaction("mark", url: receiver.url + "/m",
                                                                                 retry: #"{"max_attempts": 50, "initial_delay": "3s", "max_delay": "3s"}"#) + "]")
        let first = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"])
        #expect(try await first.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        #expect(try await receiver.wait(for: 2).count >= 2)
        _ = first.stop(signal: SIGKILL)
        let before = try #require(try deliveries(cli).first)
        // Attempts are 3 s apart: on a loaded machine this task can wait a minute for a thread
        // (the suite's CLI tests block the pool while their subprocesses run), and 50 attempts
        // a second apart were once all used up before the kill.
        #expect(before["status"] == .string("retrying"), "\(before)\n\(first.log.suffix(20).joined())")
        // The receiver recovers while reactions is down; the restarted server finishes the job.
        receiver.script.withLock { $0 = [] }
        let seen = receiver.requests.count
        let second = try ServeProcess(cli, arguments: ["--no-request-log"])
        defer { _ = second.stop() }
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("delivered") })
        let after = try #require(try deliveries(cli).first)
        #expect(after["id"] == before["id"])
        #expect(receiver.requests.count == seen + 1)
        #expect(Set(receiver.requests.map { $0.headers["webhook-id"] ?? "" }) == [before["id"]?.stringValue ?? "?"])
    }

    @Test func applyFiresConfigAppliedReactions() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.services + ", \"reactions\": [" + httpReaction("announce", url: receiver.url + "/applied", events: #"["config.applied"]"#,
                                                                                 body: ##"{"revision": "#{revision.number}", "by": "#{revision.created_by}"}"##) + "]")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        defer { _ = server.stop() }
        let got = try await receiver.wait(for: 1)
        #expect(got.count == 1)
        #expect(got.first.map { String(decoding: $0.body, as: UTF8.self) } == #"{"revision":1,"by":"tester"}"#)
    }

    @Test func anApplyThroughTheServerFiresConfigAppliedReactionsThere() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        let reaction = httpReaction("announce", url: receiver.url + "/applied", events: #"["config.applied"]"#,
                                    body: ##"{"revision": "#{revision.number}"}"##)
        try cli.writeConfig(Self.services + ", \"reactions\": [" + reaction + "]")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["REACTIONS_APPLY_TOKEN": "apply-tok"])
        defer { _ = server.stop() }
        #expect(try await receiver.wait(for: 1).count == 1)
        // The CLI sends no matcher; the serve that stores the revision decides what fires.
        try cli.writeConfig(#""services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}, {"name": "search"}], "endpoints": [{"name": "ci-deploys", "kind": "deploy"}]"#
                            + ", \"reactions\": [" + reaction + "]")
        let applied = try cli.run(["apply", "--config", cli.config, "--server", "http://127.0.0.1:\(server.port)", "--auto-approve"],
                                  env: ["REACTIONS_TOKEN": "apply-tok"])
        #expect(applied.code == 0, "\(applied)")
        let got = try await receiver.wait(for: 2)
        #expect(got.map { String(decoding: $0.body, as: UTF8.self) } == [#"{"revision":1}"#, #"{"revision":2}"#])
    }

    @Test func anIntegrationReactionSendsTheCatalogsRequestWithTheSecretResolvedAtUse() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.services + ##"""
            , "integrations": [{"name": "team-slack", "template": "slack-message", "settings": {"webhook_url": {"secret": "SLACK_WEBHOOK_URL"}}}],
            "reactions": [{"name": "tell-slack", "when": {"events": ["deploy.succeeded"]}, "then": {"integration": "team-slack", "overrides": {"text": "#{event.service} #{deploy.deploy_number} is live"}}}]
            """##)
        let hook = receiver.url + "/services/T000/B000/secret-part"
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["SLACK_WEBHOOK_URL": hook])
        defer { _ = server.stop() }
        #expect(try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody(number: "7")).status == 202)
        let got = try #require(try await receiver.wait(for: 1).first)
        #expect(got.head.target == "/services/T000/B000/secret-part")
        #expect(String(decoding: got.body, as: UTF8.self) == #"{"text":"shopping-cart 7 is live"}"#)
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("delivered") })
        // The webhook URL is the secret: it is in neither the state nor what the CLI shows.
        let explained = try cli.run(["explain", try #require(try deliveries(cli).first?["event_id"]?.stringValue), "--state", cli.state])
        #expect(explained.stdout.contains("«secret SLACK_WEBHOOK_URL»") && !explained.stdout.contains("secret-part"), "\(explained)")
        for file in [cli.state, cli.state + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(!String(decoding: bytes, as: UTF8.self).contains("secret-part"), "\(file) holds the secret")
        }
    }

    @Test func sigtermLetsARunningScriptFinishAndRecordsIt() async throws {
        let cli = try CLI()
        let started = cli.directory.appendingPathComponent("started").path
        let release = cli.directory.appendingPathComponent("release").path
        let finished = cli.directory.appendingPathComponent("finished").path
        // The script holds until the test releases it, so the order of events is the test's.
        try cli.write("config/scripts/slow.sh", "#!/bin/sh\ntouch \"$1\"\nwhile [ ! -f \"$2\" ]; do sleep 0.05; done\ntouch \"$3\"\necho done\n")
        try cli.writeConfig(Self.services + ##"""
            , "reactions": [{"name": "slow", "when": {"events": ["deploy.succeeded"]}, "then": {"script": {"path": "scripts/slow.sh", "args": ["\##(started)", "\##(release)", "\##(finished)"]}}}]
            """##)
        let server = try ServeProcess(cli, arguments: ["--config", cli.config])
        #expect(try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        #expect(try await eventually { FileManager.default.fileExists(atPath: started) })
        // On its own thread: a task on the cooperative pool can wait longer than serve's
        // 10-second grace for a turn when the suite is busy, and serve would rightly be gone.
        let process = server.process
        let (waited, released) = try await offThePool { () -> (Bool, Bool) in
            kill(process.processIdentifier, SIGTERM)
            Thread.sleep(forTimeInterval: 0.3)
            let running = process.isRunning
            return (running, FileManager.default.createFile(atPath: release, contents: nil))
        }
        #expect(waited, "serve waits for the running delivery")
        #expect(released)
        #expect(server.stop() == 0)
        #expect(FileManager.default.fileExists(atPath: finished), "the script was allowed to finish")
        let delivery = try #require(try deliveries(cli).first)
        #expect(delivery["status"] == .string("delivered") && delivery["attempts"] == .int(1), "its attempt was recorded before exit")
    }

    @Test func anAttemptCutShortByKill9RunsAgainOnRestart() async throws {
        let cli = try CLI()
        let runs = cli.directory.appendingPathComponent("runs").path
        let release = cli.directory.appendingPathComponent("release").path
        // Each run appends a line when it starts, then holds until the test releases it.
        try cli.write("config/scripts/slow.sh", "#!/bin/sh\necho \"$REACTIONS_DELIVERY_ID $REACTIONS_ATTEMPT\" >> \"$1\"\nwhile [ ! -f \"$2\" ]; do sleep 0.05; done\n")
        try cli.writeConfig(Self.services + ##"""
            , "reactions": [{"name": "slow", "when": {"events": ["deploy.succeeded"]}, "then": {"script": {"path": "scripts/slow.sh", "args": ["\##(runs)", "\##(release)"]}}}]
            """##)
        let first = try ServeProcess(cli, arguments: ["--config", cli.config])
        #expect(try await first.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        #expect(try await eventually { FileManager.default.fileExists(atPath: runs) })
        _ = first.stop(signal: SIGKILL)
        #expect(try deliveries(cli).first?["status"] == .string("pending"), "the cut-short attempt was never recorded")
        #expect(FileManager.default.createFile(atPath: release, contents: nil))
        let second = try ServeProcess(cli, arguments: [])
        defer { _ = second.stop() }
        #expect(try await eventually { try deliveries(cli).first?["status"] == .string("delivered") })
        let lines = try cli.read("runs").split(separator: "\n")
        #expect(lines.count == 2, "at least once: the interrupted attempt ran again")
        #expect(Set(lines.map { $0.split(separator: " ").first ?? "" }).count == 1, "with the same delivery id")
    }

    @Test func aTemplateDeclaredInConfigDeliversLikeACatalogOne() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.services + ##"""
            , "templates": [{"name": "deploy-log", "parameters": [{"name": "team", "required": true}, {"name": "token", "required": true, "secret": true}],
                             "request": {"method": "PUT", "url": "\##(receiver.url)/log/#{settings.team}", "headers": {"X-Token": "#{settings.token}"},
                                         "body": {"service": "#{event.service}", "number": "#{deploy.deploy_number}"}}}],
            "integrations": [{"name": "log", "template": "deploy-log", "settings": {"team": "payments", "token": {"secret": "LOG_TOKEN"}}}],
            "reactions": [{"name": "log-it", "when": {"events": ["deploy.succeeded"]}, "then": {"integration": "log"}}]
            """##)
        let plan = try cli.run(["plan", "--config", cli.config, "--state", cli.state])
        #expect(plan.stdout.contains("template \"deploy-log\""), "\(plan)")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config], env: ["LOG_TOKEN": "lt-123"])
        defer { _ = server.stop() }
        #expect(try await server.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody(number: "9")).status == 202)
        let got = try #require(try await receiver.wait(for: 1).first)
        #expect(got.method == "PUT" && got.head.target == "/log/payments" && got.headers["x-token"] == "lt-123")
        #expect(String(decoding: got.body, as: UTF8.self) == #"{"service":"shopping-cart","number":"9"}"#)
    }

    @Test func oneServeDispatchesAStateAndAnotherTakesOverWhenItStops() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(Self.services + ", \"reactions\": [" + httpReaction("mark", url: receiver.url + "/m") + "]")
        let first = try ServeProcess(cli, arguments: ["--config", cli.config])
        let second = try ServeProcess(cli, arguments: [])
        defer { _ = second.stop() }
        #expect(try await eventually { second.log.contains { $0.contains("another serve dispatches deliveries") } })
        #expect(first.stop() == 0)
        // The second serve received it and, the lock now free, delivers it: once.
        #expect(try await second.request("POST", "/integrations/deploy/\(try cli.deployEndpointID())", body: deployBody()).status == 202)
        #expect(try await receiver.wait(for: 1).count == 1)
        #expect(try await eventually { second.log.contains { $0.contains("\"msg\":\"dispatching deliveries\"") } })
        try await Task.sleep(for: .milliseconds(300))
        #expect(receiver.requests.count == 1)
    }
}
