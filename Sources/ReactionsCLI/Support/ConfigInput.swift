import ReactionsCore

/// Loads a config for a command and reports its diagnostics the same way everywhere.
enum ConfigInput {
    /// Loads `path`; on errors prints every diagnostic to stderr and throws.
    /// Returns the config and its warnings (for the command to show where it fits).
    static func load(_ path: String, terminal: Terminal) throws(CLIError) -> (Config, [Diagnostic]) {
        let result = ConfigLoader().load(path: path)
        for note in result.notes { terminal.error(terminal.style("note: \(note)", .dim)) }
        if result.hasErrors {
            terminal.error(DiagnosticsView(terminal: terminal).render(result.diagnostics), terminatorFree: true)
            throw CLIError(message: "the configuration in \(path) is not valid (\(DiagnosticsView.counts(result.diagnostics)))")
        }
        return (result.config, result.diagnostics.warnings)
    }
}

extension Terminal {
    /// Writes to stderr as is (the text carries its own newlines).
    func error(_ text: String, terminatorFree: Bool) {
        guard terminatorFree else { return error(text) }
        if !text.isEmpty { error(String(text.dropLast(text.hasSuffix("\n") ? 1 : 0))) }
    }
}
