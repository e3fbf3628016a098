import Foundation
import Testing
@testable import ReactionsCore

/// A config directory in a fresh temp dir, for tests that load real files.
struct ConfigFixture {
    let root: URL

    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("reactions-test-\(UUID().uuidString)")
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
    }

    /// One document `main.json` whose body is `{"version": 1, <members>}`.
    init(members: String, extra: [String: String] = [:]) throws {
        try self.init(["main.json": "{\n\"version\": 1,\n\(members)\n}\n"].merging(extra) { a, _ in a })
    }

    func load() -> ConfigLoader.Result { ConfigLoader().load(path: root.path) }
}

extension ConfigLoader.Result {
    func diagnostics(_ severity: Diagnostic.Severity, containing text: String) -> [Diagnostic] {
        diagnostics.filter { $0.severity == severity && ($0.message + " " + ($0.hint ?? "")).contains(text) }
    }
}

/// Asserts that loading yields a diagnostic with `text`, optionally at `line` of `file`.
func expectDiagnostic(_ result: ConfigLoader.Result, _ severity: Diagnostic.Severity = .error, _ text: String,
                      line: Int? = nil, file: String = "main.json", sourceLocation: SourceLocation_ = #_sourceLocation) {
    let found = result.diagnostics(severity, containing: text)
    #expect(!found.isEmpty, "no \(severity) containing \"\(text)\"; got:\n\(result.diagnostics.map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    if let line, let first = found.first {
        #expect(first.location?.position.line == line, "\(first)", sourceLocation: sourceLocation)
        #expect(first.location?.file == file, "\(first)", sourceLocation: sourceLocation)
    }
}

func expectDiagnostic(_ result: ConfigLoader.Result, _ text: String, line: Int? = nil, file: String = "main.json",
                      sourceLocation: SourceLocation_ = #_sourceLocation) {
    expectDiagnostic(result, .error, text, line: line, file: file, sourceLocation: sourceLocation)
}

typealias SourceLocation_ = Testing.SourceLocation

/// A valid reaction on deploy events, for tests that vary one thing.
func deployReaction(_ name: String = "r", then: String = #"{"http": {"url": "https://example.com/hook"}}"#, when: String = #"{"events": ["deploy.succeeded"]}"#) -> String {
    #"{"name": "\#(name)", "when": \#(when), "then": \#(then)}"#
}
