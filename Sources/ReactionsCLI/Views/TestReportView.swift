import ReactionsCore

/// `reactions test`'s report: per fixture, pass or fail, what fired and what did not (with
/// the first failing filter clause), in text, JSON, or JUnit XML for CI systems.
struct TestReportView {
    var results: [ReactionTest]

    var failed: Int { results.filter { !$0.passed }.count }

    func text(_ terminal: Terminal) -> String {
        var out = ""
        for result in results {
            let verdict = result.passed ? terminal.style("PASS", .green, .bold) : terminal.style("FAIL", .red, .bold)
            out += "\(verdict) \(result.name)" + terminal.style("  (\(result.file))", .dim) + "\n"
            for failure in result.failures { out += "     \(failure)\n" }
            if !result.fired.isEmpty || !result.notFired.isEmpty {
                out += terminal.style("     fires: \(result.fired.isEmpty ? "nothing" : result.fired.joined(separator: ", "))", .dim) + "\n"
            }
            // Why the others do not fire, when it failed: that is what the author needs.
            if !result.passed {
                for other in result.notFired { out += terminal.style("     \(other.name) does not fire: \(other.reason)", .dim) + "\n" }
            }
        }
        out += "\(results.count - failed) passed, \(failed) failed\n"
        return out
    }

    var json: JSON {
        .object([
            "passed": .int(results.count - failed), "failed": .int(failed),
            "tests": .array(results.map { r in
                .object([.init("file", .string(r.file)), .init("name", .string(r.name)), .init("passed", .bool(r.passed)),
                         .init("failures", .array(r.failures.map(JSON.string))), .init("fired", .array(r.fired.map(JSON.string))),
                         .init("not_fired", .array(r.notFired.map { .object([.init("name", .string($0.name)), .init("reason", .string($0.reason))]) }))])
            }),
        ])
    }

    /// JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: one testcase per
    /// fixture, classname its file, a failure element with every failure.
    var junit: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"reactions test\" tests=\"\(results.count)\" failures=\"\(failed)\" errors=\"0\">\n"
        out += "  <testsuite name=\"reactions test\" tests=\"\(results.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\">\n"
        for r in results {
            out += "    <testcase classname=\"\(Self.escape(r.file))\" name=\"\(Self.escape(r.name))\" time=\"0\">\n"
            if let first = r.failures.first {
                out += "      <failure message=\"\(Self.escape(first))\" type=\"expectation\">\(Self.escape(r.failures.joined(separator: "\n")))</failure>\n"
            }
            var output = "fires: \(r.fired.isEmpty ? "nothing" : r.fired.joined(separator: ", "))"
            for other in r.notFired { output += "\n\(other.name) does not fire: \(other.reason)" }
            out += "      <system-out>\(Self.escape(output))</system-out>\n"
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// Text for an XML attribute or element: markup escaped, and characters XML 1.0 cannot
    /// hold at all (control characters other than tab and newline) replaced.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
