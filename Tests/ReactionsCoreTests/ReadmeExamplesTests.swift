import Foundation
import Testing
import ReactionsCore

/// Users copy the README's config examples into their files; `fmt --check` then failed on
/// them (issue 12). Every JSON block of the README that is a config document, or a run of
/// a document's members, must be exactly what `fmt` writes.
@Suite struct ReadmeExamplesTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md").standardizedFileURL

    /// The ```json blocks, with the indentation of their fence removed.
    static func jsonBlocks() throws -> [String] {
        let lines = try String(contentsOf: readme, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [String] = []
        var current: [Substring]? = nil
        var indent = 0
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            if current == nil, trimmed == "```json" {
                current = []
                indent = line.count - trimmed.count
            } else if current != nil, trimmed == "```" {
                blocks.append(current!.map { String($0.dropFirst(indent)) }.joined(separator: "\n") + "\n")
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    @Test func configExamplesAreCanonicallyFormatted() throws {
        var checked = 0
        for block in try Self.jsonBlocks() {
            if block.hasPrefix("{") {
                // Only config documents: the plan format's block is an outline with "…".
                guard let node = try? JSONParser.parse(block), node["version"] != nil else { continue }
                #expect(try ConfigFormatter.format(block) == block, "not as fmt writes it:\n\(block)")
                checked += 1
            } else if block.hasPrefix("\"") {
                // Members of a document: formatted inside one, indented as fmt indents them.
                let members = block.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                let document = "{\n  \"version\": 1,\n" + members + "\n}\n"
                #expect(try ConfigFormatter.format(document) == document, "not as fmt writes it:\n\(block)")
                checked += 1
            }
        }
        #expect(checked >= 2)
    }
}
