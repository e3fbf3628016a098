/// A failure the CLI reports to the user and turns into an exit code.
struct CLIError: Error, Sendable {
    var message: String
    var exitCode: Int32 = ExitCode.error
    /// Set for usage errors: the command whose `--help` to point at.
    var command: String? = nil

    static func usage(_ message: String, command: String?) -> CLIError {
        CLIError(message: message, exitCode: ExitCode.error, command: command)
    }
}

/// Exit codes are part of the contract (DESIGN §5).
enum ExitCode {
    static let ok: Int32 = 0
    static let error: Int32 = 1
    /// `plan --detailed-exitcode`: the plan has changes.
    static let changes: Int32 = 2
    /// `fmt --check`: some files are not canonically formatted.
    static let unformatted: Int32 = 3
}
