import Foundation
import ReactionsCore
import ReactionsStore

/// Where the config, the state and the secrets are, from flags or the environment.
struct Paths {
    static let stateOption = CommandSpec.Option(name: "state", value: "STATE", help: "The state store: a file, or a postgresql:// URI (default: $REACTIONS_STATE or ./.reactions/state.db).")
    static let configOption = CommandSpec.Option(name: "config", value: "DIR", help: "The config directory or file (default: $REACTIONS_CONFIG or ./reactions).")
    static let secretsOption = CommandSpec.Option(name: "secrets-dir", value: "DIR", help: "Where secrets are files named after them (default: $REACTIONS_SECRETS_DIR).")
    static let noColorOption = CommandSpec.Option(name: "no-color", value: nil, help: "Never colour the output (NO_COLOR does the same).")

    static func config(_ args: Arguments, _ env: [String: String]) -> String {
        args.value("config") ?? env["REACTIONS_CONFIG"] ?? "reactions"
    }

    static func state(_ args: Arguments, _ env: [String: String]) -> String {
        args.value("state") ?? env["REACTIONS_STATE"] ?? SQLiteStateStore.defaultPath
    }

    /// A path as the user should read it in messages: absolute, without `.` segments.
    /// A path made absolute, for messages and saved plans; a database URI without its password.
    static func absolute(_ path: String) -> String {
        if PostgresBackend.names(path) { return PostgresBackend(uri: path).displayName }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func secretsDirectory(_ args: Arguments, _ env: [String: String]) -> String? {
        args.value("secrets-dir") ?? env["REACTIONS_SECRETS_DIR"]
    }

    static func secrets(_ args: Arguments, _ env: [String: String]) -> SecretResolver {
        SecretResolver(environment: env, directory: secretsDirectory(args, env))
    }

    /// Who applied, as recorded in the revision (see `Actor`).
    static func actor(_ env: [String: String]) -> String { Actor.current(env) }

    /// Writes a file atomically (temp + rename) with owner-only permissions.
    static func writeAtomically(_ text: String, to path: String, permissions: Int = 0o644) throws(CLIError) {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try Data(text.utf8).write(to: temp)
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temp.path)
            if rename(temp.path, url.path) != 0 { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw CLIError(message: "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
