#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where commands write, and what the terminal can do. Colour follows the usual
/// conventions: only on a TTY, never with `NO_COLOR` set (no-color.org) or `TERM=dumb`.
struct Terminal {
    var environment: [String: String]
    var color: Bool
    var stdinIsTTY: Bool

    init(environment: [String: String] = ProcessInfo.processInfo.environment, noColorFlag: Bool = false) {
        self.environment = environment
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        color = !noColorFlag && !noColor && isatty(STDOUT_FILENO) == 1
        stdinIsTTY = isatty(STDIN_FILENO) == 1
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func line(_ text: String = "") { write(text + "\n") }

    func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Asks on the terminal and returns the answer, or nil at end of input.
    func ask(_ question: String) -> String? {
        write(question)
        return readLine(strippingNewline: true)
    }

    /// The "yes" gate of apply and rollback: nothing to ask with `--auto-approve`; refused
    /// without a terminal to ask on; otherwise only "yes" goes ahead. Returns false when
    /// the user declined (the caller reports that nothing changed).
    func confirm(_ question: String, refusing action: String, hint: String, autoApprove: Bool) throws(CLIError) -> Bool {
        if autoApprove { return true }
        guard stdinIsTTY else {
            throw CLIError(message: "refusing to \(action) without confirmation: standard input is not a terminal. \(hint)")
        }
        line("\n\(question)\n  Only 'yes' will be accepted to approve.")
        return ask("\n  Enter a value: ")?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    func style(_ text: String, _ codes: Style...) -> String {
        guard color else { return text }
        return "\u{1B}[" + codes.map { String($0.rawValue) }.joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }

    enum Style: Int {
        case bold = 1, dim = 2, red = 31, green = 32, yellow = 33, blue = 34, magenta = 35, cyan = 36
    }
}
