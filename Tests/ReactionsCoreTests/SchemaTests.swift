import Foundation
import Testing
@testable import ReactionsCore

/// Keeps `schema/v1/config.schema.json` and the loader in agreement: the examples pass
/// both, every invalid fixture fails both, and the catalog's parameters are the schema's.
@Suite struct SchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
    static let schemaURL = root.appendingPathComponent("schema/v1/config.schema.json")

    static var fixtures: [URL] {
        let dir = root.appendingPathComponent("Tests/Fixtures/invalid")
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    static var examples: [URL] {
        let dir = root.appendingPathComponent("examples")
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        // Payload samples under tests/ are inputs for `simulate`, not config documents.
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" && !$0.path.contains("/tests/") }.sorted { $0.path < $1.path }
    }

    /// Whether an independent validator (Python's jsonschema) is on this machine.
    static let hasPythonValidator: Bool = (try? python(["-c", "import jsonschema"]).status) == 0

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Validates files with jsonschema's Draft 2020-12 validator; prints `VALID path` or `INVALID path: reason`.
    static func validateWithPython(_ files: [URL]) throws -> [String: Bool] {
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for path in sys.argv[2:]:
            errors = list(validator.iter_errors(json.load(open(path))))
            print(("INVALID " if errors else "VALID ") + path + ((": " + errors[0].message) if errors else ""))
        """
        let result = try python(["-c", script, schemaURL.path] + files.map(\.path))
        #expect(result.status == 0, "\(result.output)")
        var verdicts: [String: Bool] = [:]
        for line in result.output.split(separator: "\n") {
            if line.hasPrefix("VALID ") { verdicts[String(line.dropFirst(6))] = true }
            if line.hasPrefix("INVALID ") { verdicts[String(line.dropFirst(8).split(separator: ":").first ?? "")] = false }
        }
        return verdicts
    }

    @Test func schemaIsJSONAndEveryExampleCarriesSchema() throws {
        _ = try JSONParser.parse([UInt8](Data(contentsOf: Self.schemaURL)))
        #expect(Self.examples.count >= 5)
        for example in Self.examples {
            let json = try JSONParser.value([UInt8](Data(contentsOf: example)))
            #expect(json["$schema"]?.stringValue?.hasSuffix("schema/v1/config.schema.json") == true, "\(example.path)")
        }
    }

    @Test func examplesAreValidForTheLoader() throws {
        for dir in ["quickstart", "opslevel-deploys", "octopus-reactions"] {
            let result = ConfigLoader().load(path: Self.root.appendingPathComponent("examples/\(dir)").path)
            #expect(!result.hasErrors, "\(dir): \(result.diagnostics)")
        }
    }

    @Test func invalidFixturesAreRejectedByTheLoader() throws {
        #expect(Self.fixtures.count >= 15)
        for fixture in Self.fixtures {
            let result = ConfigLoader().load(path: fixture.path)
            #expect(result.hasErrors, "the loader accepted \(fixture.lastPathComponent)")
        }
    }

    @Test(.enabled(if: hasPythonValidator)) func independentValidatorAgrees() throws {
        let verdicts = try Self.validateWithPython(Self.examples + Self.fixtures)
        for example in Self.examples { #expect(verdicts[example.path] == true, "schema rejects \(example.path)") }
        for fixture in Self.fixtures { #expect(verdicts[fixture.path] == false, "schema accepts \(fixture.lastPathComponent)") }
    }

    @Test func catalogParametersMatchTheSchema() throws {
        let schema = try JSONParser.value([UInt8](Data(contentsOf: Self.schemaURL)))
        let integration = try #require(schema["$defs"]?["integration"])
        #expect(integration["properties"]?["template"]?["anyOf"]?.arrayValue?.first?["enum"] == .array(IntegrationCatalog.ids.map(JSON.string)))
        let rules = try #require(integration["allOf"]?.arrayValue)
        #expect(rules.count == IntegrationCatalog.all.count)
        for template in IntegrationCatalog.all {
            let rule = try #require(rules.first { $0["if"]?["properties"]?["template"]?["const"] == .string(template.id) }, "\(template.id)")
            let settings = try #require(rule["then"]?["properties"]?["settings"])
            let names = settings["properties"]?.objectMembers?.map(\.key) ?? []
            #expect(Set(names) == Set(template.parameters.map(\.name)), "\(template.id)")
            #expect(Set(settings["required"]?.arrayValue?.compactMap(\.stringValue) ?? []) == Set(template.parameters.filter(\.required).map(\.name)), "\(template.id)")
            for p in template.parameters where p.secret {
                #expect(settings["properties"]?[p.name]?["$ref"] == .string("#/$defs/secretRef"), "\(template.id).\(p.name) must be a secret reference")
            }
        }
    }

    @Test func eventTypesMatchTheSchema() throws {
        let schema = try JSONParser.value([UInt8](Data(contentsOf: Self.schemaURL)))
        let listed = schema["$defs"]?["eventPattern"]?["anyOf"]?.arrayValue?.first?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for type in EventType.builtIn { #expect(listed.contains(type)) }
        for pattern in listed { #expect(EventType.isValidPattern(pattern), "\(pattern)") }
    }
}
