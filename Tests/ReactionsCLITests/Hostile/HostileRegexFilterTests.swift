import Foundation
import Testing
import ReactionsCore

/// Issue 11, defect 4: regex filters that backtrack are refused where they are written.
@Suite struct HostileRegexFilterTests {
    @Test func validateNamesTheFileLineAndColumnOfAConstructThatCannotRunInLinearTime() throws {
        let cli = try CLI()
        try cli.write("config/main.json", #"""
        {"version": 1,
         "endpoints": [{"name": "hooks", "kind": "webhook", "path": "/hooks", "auth": "none"}],
         "reactions": [{"name": "tags", "when": {"endpoint": "hooks", "filter": {
           "payload.tag": {"regex": "^v(\\d)\\1$"},
           "payload.ref": {"regex": "^refs/(?=heads)"}}},
           "then": {"http": {"url": "https://example.com/"}}}]}
        """#)
        let result = try cli.run(["validate", "--config", cli.config])
        #expect(result.code == 1, "\(result)")
        let output = result.stdout + result.stderr
        // Line 4: the string opens at column 29 and `^v(\\d)` takes 7 columns, so `\\1` is at 37.
        #expect(output.contains("main.json:4:37"), "\(output)")
        #expect(output.contains("backreferences"), "\(output)")
        #expect(output.contains("main.json:5:36") && output.contains("lookaround"), "\(output)")
    }
}
