import Foundation

/// Reads a config directory (or one file), decodes every document, snapshots the scripts
/// reactions reference, and validates the whole. Every problem is collected.
public struct ConfigLoader: Sendable {
    public struct Result: Sendable {
        public var config: Config
        public var diagnostics: [Diagnostic]
        /// Files of ours in the config tree that were passed over, such as a saved plan.
        public var notes: [String] = []
        public var hasErrors: Bool { diagnostics.hasErrors }
    }

    /// Scripts larger than this are refused: they are stored in every revision that uses them.
    public static let maximumScriptBytes = 1 << 20

    public init() {}

    public func load(path: String) -> Result {
        var config = Config()
        var diagnostics: [Diagnostic] = []
        let root: URL
        let files: [URL]
        let notes: [String]
        switch Self.documentFiles(at: path) {
        case .failure(let message):
            return Result(config: config, diagnostics: [.error(message)])
        case .success(let listing):
            (root, files) = (listing.root, listing.files)
            notes = listing.savedPlans.map { "\($0) is a saved plan, not a config document: it is not loaded" }
        }
        if files.isEmpty {
            return Result(config: config, diagnostics: [.error("no *.json config files in \(path)",
                                                               hint: "create one with \"version\": 1, or point --config at your config directory")])
        }
        let directoryMode = files.count != 1 || files.first?.standardizedFileURL.path != URL(fileURLWithPath: path).standardizedFileURL.path
        let realRoot = root.resolvingSymlinksInPath().standardizedFileURL.path
        for file in files {
            let relative = Self.relativePath(of: file, under: root)
            // A document is reviewed where it sits: one that is a link out of the config
            // directory is refused, exactly as a script would be.
            if directoryMode, !file.resolvingSymlinksInPath().standardizedFileURL.path.hasPrefix(realRoot + "/") {
                diagnostics.append(.error("the config file \(relative) resolves outside the config directory",
                                          at: SourceLocation(file: relative, position: .init(line: 1, column: 1), pointer: .root),
                                          hint: "config is reviewed in the directory it is applied from; copy the file in instead of linking to it"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: file.path) else {
                diagnostics.append(.error("cannot read \(relative)", at: SourceLocation(file: relative, position: .init(line: 1, column: 1), pointer: .root)))
                continue
            }
            let node: JSONNode
            do {
                node = try JSONParser.parse([UInt8](data))
            } catch {
                diagnostics.append(.error("invalid JSON: \(error.message)", at: SourceLocation(file: relative, position: error.position, pointer: .root)))
                continue
            }
            let (document, found) = ConfigDocument.decode(node, file: relative)
            diagnostics += found
            config.merge(document)
        }
        diagnostics += snapshotScripts(&config, root: root, realRoot: realRoot)
        diagnostics += Validator().validate(config)
        return Result(config: config, diagnostics: diagnostics.ordered, notes: notes)
    }

    /// Reads each referenced script once and records its hash on the reactions that run it.
    private func snapshotScripts(_ config: inout Config, root: URL, realRoot: String) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        // Many reactions often share one script: resolve and read each path once.
        var outcomes: [String: Swift.Result<String, ScriptProblem>] = [:]
        for index in config.reactions.indices {
            guard case .script(var script) = config.reactions[index].action else { continue }
            let outcome = outcomes[script.path] ?? snapshot(script.path, root: root, realRoot: realRoot, into: &config.scripts)
            outcomes[script.path] = outcome
            switch outcome {
            case .success(let digest):
                script.contentSHA256 = digest
                config.reactions[index].action = .script(script)
            case .failure(let problem):
                var location = script.location
                location.pointer = location.pointer / "path"
                diagnostics.append(.error(problem.message, at: location, resource: config.reactions[index].address, hint: problem.hint))
            }
        }
        return diagnostics
    }

    struct ScriptProblem: Error {
        var message: String
        var hint: String?
    }

    private func snapshot(_ path: String, root: URL, realRoot: String, into scripts: inout [String: [UInt8]]) -> Swift.Result<String, ScriptProblem> {
        if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
            return .failure(ScriptProblem(message: "the script path \"\(path)\" must be relative and inside the config directory",
                                          hint: "move the script under the config directory and write its path relative to it, e.g. scripts/release.sh"))
        }
        let resolved = root.appendingPathComponent(path).resolvingSymlinksInPath().standardizedFileURL.path
        guard resolved.hasPrefix(realRoot + "/") else {
            return .failure(ScriptProblem(message: "the script \"\(path)\" resolves outside the config directory",
                                          hint: "scripts are snapshotted from the reviewed config; keep them inside it"))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return .failure(ScriptProblem(message: "the script \"\(path)\" does not exist",
                                          hint: "create it, or fix the path (it is relative to the config directory)"))
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            return .failure(ScriptProblem(message: "cannot read the script \"\(path)\"", hint: "check its permissions"))
        }
        guard data.count <= Self.maximumScriptBytes else {
            return .failure(ScriptProblem(message: "the script \"\(path)\" is larger than 1 MiB",
                                          hint: "keep scripts small; have them call tools installed on the host"))
        }
        let bytes = [UInt8](data)
        scripts[path] = bytes
        return .success(SHA256.hexDigest(bytes))
    }

    public enum Found: Sendable {
        case success(Listing)
        case failure(String)
    }

    public struct Listing: Sendable {
        public var root: URL
        /// The config documents, in a stable order.
        public var files: [URL]
        /// Plans saved in the tree (relative paths), passed over: the README's own PR flow
        /// runs `plan --config . --out plan.json`, and loading that file as config broke
        /// every later `validate`, `simulate` and `test`.
        public var savedPlans: [String] = []
    }

    /// The config root and its `*.json` files in a stable order. Hidden directories
    /// (`.git`, `.reactions`), test fixtures and saved plans are skipped.
    public static func documentFiles(at path: String) -> Found {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return .failure("the config path \(path) does not exist; pass --config DIR (default ./reactions)")
        }
        if !isDirectory.boolValue {
            return .success(Listing(root: url.deletingLastPathComponent(), files: [url]))
        }
        var files: [URL] = []
        var savedPlans: [String] = []
        guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isDirectoryKey],
                                                              options: [.skipsHiddenFiles]) else {
            return .failure("cannot list the config directory \(path)")
        }
        for case let file as URL in enumerator where file.pathExtension == "json" {
            if isTestFixture(file, root: url) { continue }
            if isSavedPlan(file) {
                savedPlans.append(relativePath(of: file, under: url))
                continue
            }
            files.append(file.standardizedFileURL)
        }
        return .success(Listing(root: url, files: files.sorted { relativePath(of: $0, under: url) < relativePath(of: $1, under: url) },
                                savedPlans: savedPlans.sorted()))
    }

    /// A plan written by `plan --out` or `plan --format json`: both begin with
    /// `{"format_version"`, which no config document can (its first member would be an
    /// unknown field). Only the first bytes are read.
    static func isSavedPlan(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        let compact = head.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return compact.starts(with: Array(#"{"format_version""#.utf8))
    }

    /// Fixtures and sample payloads (`tests/` directories, `*.test.json`) live beside the
    /// config but are not config documents.
    static func isTestFixture(_ file: URL, root: URL) -> Bool {
        file.lastPathComponent.hasSuffix(".test.json") || relativePath(of: file, under: root).split(separator: "/").dropLast().contains("tests")
    }

    public static func relativePath(of file: URL, under root: URL) -> String {
        let base = root.standardizedFileURL.path
        let full = file.standardizedFileURL.path
        if full.hasPrefix(base + "/") { return String(full.dropFirst(base.count + 1)) }
        return file.lastPathComponent
    }
}
