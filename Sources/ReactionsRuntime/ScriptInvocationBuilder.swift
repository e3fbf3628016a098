import Foundation
import ReactionsCore

/// Turns a script action and an event into the exact program, arguments, environment and
/// stdin `ScriptRunner` runs (DESIGN §4).
struct ScriptInvocationBuilder: Sendable {
    /// Where snapshots are materialised: `<dir>/<sha256>`, written once, mode 0700.
    let snapshotDirectory: String
    let secrets: SecretResolver
    /// The search path scripts get, and where a bare interpreter name is looked up.
    static let path = "/usr/local/bin:/usr/bin:/bin"

    enum Failure: Error, Equatable, CustomStringConvertible {
        case missingSnapshot(String)
        case interpreterNotFound(String)
        case cannotWrite(String)
        /// A rendered value held a NUL, which would cut the C string the program receives.
        case nulCharacter(String)

        /// Trying again renders the same values: no retry can help.
        var isPermanent: Bool {
            if case .nulCharacter = self { return true }
            return false
        }

        var description: String {
            switch self {
            case .missingSnapshot(let p): return "the revision has no snapshot of \(p)"
            case .interpreterNotFound(let i): return "the interpreter \(i) is not installed (looked in \(ScriptInvocationBuilder.path))"
            case .cannotWrite(let why): return "cannot materialise the script: \(why)"
            case .nulCharacter(let what): return "\(what) contains a NUL character once rendered, which a program cannot receive; not run"
            }
        }
    }

    func invocation(_ action: ScriptAction, reaction: String, envelope: JSON, config: Config, scripts: [String: [UInt8]],
                    deliveryID: String, attempt: Int, api: (url: String, token: String)? = nil) throws(Failure) -> ScriptRunner.Invocation {
        guard let digest = action.contentSHA256, let content = scripts[digest] else { throw .missingSnapshot(action.path) }
        let scriptPath = try materialise(content, digest: digest)
        let resolver = secrets
        let context = TemplateContext(variables: EventVariables.make(envelope: envelope, config: config, reaction: reaction,
                                                                     delivery: (deliveryID, attempt)),
                                      secret: { resolver.value($0) })
        var arguments = action.args.map { $0.render(context) }
        var executable = scriptPath
        if let interpreter = action.interpreter {
            executable = try Self.resolve(interpreter)
            arguments.insert(scriptPath, at: 0)
        }
        var environment: [String: String] = ["PATH": Self.path, "LANG": "C.UTF-8"]
        for (name, template) in action.env { environment[name] = template.render(context) }
        // reactions' own variables win over the reaction's env (the validator forbids REACTIONS_* there).
        environment["REACTIONS_EVENT_TYPE"] = envelope["type"]?.stringValue ?? ""
        environment["REACTIONS_EVENT_ID"] = envelope["id"]?.stringValue ?? ""
        environment["REACTIONS_SERVICE"] = envelope["service"]?.stringValue ?? ""
        environment["REACTIONS_ENVIRONMENT"] = envelope["environment"]?.stringValue ?? ""
        environment["REACTIONS_REACTION"] = reaction
        environment["REACTIONS_DELIVERY_ID"] = deliveryID
        environment["REACTIONS_ATTEMPT"] = String(attempt)
        for member in envelope["data"]?["query"]?.objectMembers ?? [] {
            environment["REACTIONS_QUERY_" + Self.variableName(member.key)] = Template.text(of: member.value)
        }
        if let api {
            environment["REACTIONS_API_URL"] = api.url
            environment["REACTIONS_API_TOKEN"] = api.token
        }
        if let i = arguments.firstIndex(where: { $0.utf8.contains(0) }) {
            throw .nulCharacter(action.interpreter == nil ? "argument \(i + 1)" : i == 0 ? "the script path" : "argument \(i)")
        }
        if let name = environment.keys.sorted().first(where: { environment[$0]?.utf8.contains(0) == true }) {
            throw .nulCharacter("the environment variable \(name)")
        }
        return ScriptRunner.Invocation(executable: executable, arguments: arguments, environment: environment,
                                       stdin: Array(envelope.compactText.utf8),
                                       timeoutMilliseconds: Int((action.timeout ?? ScriptAction.defaultTimeout).milliseconds))
    }

    /// `release-version` → `RELEASE_VERSION`: what a shell can read back as a variable.
    static func variableName(_ key: String) -> String {
        String(key.uppercased().unicodeScalars.map { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) ? Character($0) : "_" })
    }

    static func resolve(_ interpreter: String) throws(Failure) -> String {
        if interpreter.hasPrefix("/") {
            guard FileManager.default.isExecutableFile(atPath: interpreter) else { throw .interpreterNotFound(interpreter) }
            return interpreter
        }
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(interpreter)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw .interpreterNotFound(interpreter)
    }

    /// Content-addressed: the file for a digest is written once (temp + rename) and never
    /// changes, so a delivery always runs exactly the snapshot of its revision.
    func materialise(_ content: [UInt8], digest: String) throws(Failure) -> String {
        let target = (snapshotDirectory as NSString).appendingPathComponent(digest)
        if FileManager.default.fileExists(atPath: target) { return target }
        do {
            try FileManager.default.createDirectory(atPath: snapshotDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let temp = target + ".tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
            guard FileManager.default.createFile(atPath: temp, contents: Data(content), attributes: [.posixPermissions: 0o700]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            if rename(temp, target) != 0 {
                try? FileManager.default.removeItem(atPath: temp)
                if !FileManager.default.fileExists(atPath: target) { throw CocoaError(.fileWriteUnknown) }
            }
        } catch {
            throw .cannotWrite(error.localizedDescription)
        }
        return target
    }
}
