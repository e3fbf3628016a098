import Foundation
import ReactionsCore

/// What `emit` and `deploys record` share: they talk to a running serve the way a
/// reaction's script does, from `REACTIONS_API_URL` and `REACTIONS_API_TOKEN` (which serve
/// gives every script), or from `--server` and `--token` (an admin token) anywhere else.
enum ScriptAPIInput {
    static let serverOption = CommandSpec.Option(name: "server", value: "URL", help: "The serve to send to (default $REACTIONS_API_URL).")
    static let tokenOption = CommandSpec.Option(name: "token", value: "TOKEN",
                                                help: "Bearer token (default $REACTIONS_API_TOKEN, then $REACTIONS_ADMIN_TOKEN).")

    static func client(_ args: Arguments, _ env: [String: String], command: String) throws(CLIError) -> APIClient {
        guard let server = args.value("server") ?? env["REACTIONS_API_URL"], !server.isEmpty else {
            throw CLIError.usage("no server: pass --server URL or set REACTIONS_API_URL", command: command)
        }
        guard let token = args.value("token") ?? env["REACTIONS_API_TOKEN"] ?? env["REACTIONS_ADMIN_TOKEN"], !token.isEmpty else {
            throw CLIError.usage("no token: pass --token or set REACTIONS_API_TOKEN (scripts get one) or REACTIONS_ADMIN_TOKEN", command: command)
        }
        return APIClient(baseURL: server, token: token)
    }

    /// The JSON of `--data` or `--data-file`; nil when neither is given.
    static func data(_ args: Arguments, command: String) throws(CLIError) -> JSON? {
        if args.value("data") != nil && args.value("data-file") != nil {
            throw CLIError.usage("--data and --data-file cannot be combined", command: command)
        }
        if let text = args.value("data") {
            do { return try JSONParser.value(Array(text.utf8)) } catch {
                throw CLIError.usage("--data is not valid JSON: \(error.message)", command: command)
            }
        }
        guard let file = args.value("data-file") else { return nil }
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else { throw CLIError(message: "cannot read \(file)") }
            bytes = Array(contents)
        }
        do { return try JSONParser.value(bytes) } catch {
            throw CLIError(message: "\(file) is not valid JSON: \(error.message)")
        }
    }
}
