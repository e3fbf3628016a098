import Foundation
import Testing
import ReactionsCore
import TestSupport
@testable import ReactionsRuntime

/// Issue 15: the admin API is described in `schema/openapi/v1.json`: the document is valid
/// OpenAPI 3.1 to an independent validator, it lists exactly the routes the router knows,
/// `serve` serves it, and every route answers as it documents (status, and a body valid
/// against the documented schema, checked by Python's jsonschema).
@Suite struct OpenAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
    static let document = root.appendingPathComponent("schema/openapi/v1.json")
    static let admin = "admin-token-0123456789abcdef"

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let (status, output) = try runProgram("/usr/bin/env", ["python3"] + arguments)
        return (status, output)
    }

    @Test func theDocumentIsValidOpenAPIAndListsExactlyTheRouterRoutes() throws {
        let check = try Self.python(["-m", "openapi_spec_validator", Self.document.path])
        #expect(check.status == 0 && check.output.contains("OK"), "openapi-spec-validator (pip install openapi-spec-validator): \(check.output)")
        let doc = try JSONParser.value(String(contentsOf: Self.document, encoding: .utf8))
        var documented: Set<String> = []
        for path in doc["paths"]?.objectMembers ?? [] {
            for operation in path.value.objectMembers ?? [] {
                documented.insert(operation.key.uppercased() + " " + path.key)
                #expect(operation.value["x-reactions-scope"]?.stringValue != nil, "\(path.key) \(operation.key) names no scope")
            }
        }
        #expect(documented == Set(AdminAPI.routes.map { $0.method + " " + $0.path }))
    }

    @Test func everyRouteAnswersAsDocumented() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.writeConfig(RetentionCLITests.config(receiver.url))
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"], env: ["REACTIONS_ADMIN_TOKEN": Self.admin])
        defer { _ = server.stop() }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        #expect(try await server.request("POST", path, body: deployBody(dedup: "a")).status == 202)
        #expect(try await server.request("POST", path, body: deployBody(service: "mystery", dedup: "m")).status == 202)
        let auth = ["Authorization": "Bearer \(Self.admin)"]
        let served = try await server.request("GET", "/api/v1/openapi.json", headers: auth)
        let file = try JSONParser.value(String(contentsOf: Self.document, encoding: .utf8))
        #expect(served.status == 200 && served.json == file, "the served document is the file")

        // Each route with what it needs; `status` as documented.
        let emitted = try #require(try await server.request("POST", "/api/v1/events", body: #"{"type": "custom.checked"}"#, headers: auth).json)
        var answers: [(route: String, status: Int, body: String)] = [
            ("POST /api/v1/events", 202, emitted.compactText),
        ]
        let listed = try await server.request("GET", "/api/v1/deliveries", headers: auth).json
        let deliveryID = listed?["deliveries"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        #expect(!deliveryID.isEmpty, "the deploy's reaction queued a delivery")
        let calls: [(String, String, String, String?, Int)] = [
            ("GET /api/v1/deploys", "GET", "/api/v1/deploys?limit=5", nil, 200),
            ("POST /api/v1/deploys", "POST", "/api/v1/deploys", deployBody(dedup: "api"), 202),
            ("GET /api/v1/suggestions", "GET", "/api/v1/suggestions", nil, 200),
            ("GET /api/v1/events", "GET", "/api/v1/events?type=custom.checked", nil, 200),
            ("GET /api/v1/events/{id}", "GET", "/api/v1/events/\(emitted["event_id"]?.stringValue ?? "")", nil, 200),
            ("GET /api/v1/events/{id}", "GET", "/api/v1/events/nope", nil, 404),
            ("GET /api/v1/state", "GET", "/api/v1/state", nil, 200),
            ("GET /api/v1/revisions", "GET", "/api/v1/revisions", nil, 200),
            ("POST /api/v1/revisions", "POST", "/api/v1/revisions", #"{"not": "a commit"}"#, 400),
            ("GET /api/v1/revisions/{number}", "GET", "/api/v1/revisions/1", nil, 200),
            ("GET /api/v1/revisions/{number}", "GET", "/api/v1/revisions/1?scripts=true", nil, 200),
            ("GET /api/v1/secrets", "GET", "/api/v1/secrets?names=A,B", nil, 200),
            ("GET /api/v1/deliveries", "GET", "/api/v1/deliveries", nil, 200),
            ("GET /api/v1/stats", "GET", "/api/v1/stats", nil, 200),
            ("GET /api/v1/openapi.json", "GET", "/api/v1/openapi.json", nil, 200),
            ("GET /api/v1/deploys", "GET", "/api/v1/deploys?limit=0", nil, 400),
            ("GET /api/v1/deliveries/{id}", "GET", "/api/v1/deliveries/nope", nil, 404),
            ("GET /api/v1/deliveries/{id}", "GET", "/api/v1/deliveries/\(deliveryID)", nil, 200),
            ("POST /api/v1/deliveries/{id}/redeliver", "POST", "/api/v1/deliveries/\(deliveryID)/redeliver", "", 202),
            ("POST /api/v1/replay", "POST", "/api/v1/replay", #"{"desired": 1}"#, 400),
            ("GET /api/v1/replay/{id}", "GET", "/api/v1/replay/nope", nil, 404),
        ]
        for (route, method, target, body, expected) in calls {
            let response = try await server.request(method, target, body: body, headers: auth)
            #expect(response.status == expected, "\(method) \(target): \(response.status) \(response.body.prefix(200))")
            answers.append((route, response.status, response.body))
        }
        // A replay is a job: started (202), then polled until it is done (200). An empty
        // planned document deletes every reaction, so the replay lists them.
        let started = try await server.request("POST", "/api/v1/replay", body: #"{"desired": {"version": 1}, "events": 50}"#, headers: auth)
        #expect(started.status == 202, "\(started.body)")
        answers.append(("POST /api/v1/replay", started.status, started.body))
        let job = started.json?["id"]?.stringValue ?? ""
        var replayed = try await server.request("GET", "/api/v1/replay/\(job)", headers: auth)
        for _ in 0..<100 where replayed.status == 202 {
            answers.append(("GET /api/v1/replay/{id}", replayed.status, replayed.body))
            try await Task.sleep(for: .milliseconds(50))
            replayed = try await server.request("GET", "/api/v1/replay/\(job)", headers: auth)
        }
        #expect(replayed.status == 200 && replayed.json?["reactions"]?.arrayValue?.isEmpty == false, "\(replayed.body)")
        answers.append(("GET /api/v1/replay/{id}", replayed.status, replayed.body))
        let unauthorized = try await server.request("GET", "/api/v1/stats")
        #expect(unauthorized.status == 401)
        answers.append(("GET /api/v1/stats", 401, unauthorized.body))
        // Every body against its documented schema, by an independent validator.
        let cases = JSON.array(answers.map { a in
            JSON.object([.init("route", .string(a.route)), .init("status", .int(a.status)),
                         .init("body", (try? JSONParser.value(a.body)) ?? .string(a.body))])
        })
        let casesFile = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-cases-\(UUID().uuidString).json")
        try Data(cases.compactText.utf8).write(to: casesFile)
        defer { try? FileManager.default.removeItem(at: casesFile) }
        let script = """
        import json, sys, jsonschema
        doc = json.load(open(sys.argv[1]))
        bad = 0
        for case in json.load(open(sys.argv[2])):
            method, path = case["route"].split(" ", 1)
            responses = doc["paths"][path][method.lower()]["responses"]
            response = responses[str(case["status"])]
            if "$ref" in response:
                response = doc["components"]["responses"][response["$ref"].split("/")[-1]]
            schema = response["content"]["application/json"]["schema"]
            root = dict(doc)
            root.update(schema)
            errors = list(jsonschema.Draft202012Validator(root).iter_errors(case["body"]))
            for e in errors:
                bad += 1
                print("INVALID", case["route"], case["status"], e.message[:200])
        print("checked", bad)
        """
        let result = try Self.python(["-c", script, Self.document.path, casesFile.path])
        #expect(result.status == 0 && result.output.contains("checked 0"), "\(result.output)")
    }
}
