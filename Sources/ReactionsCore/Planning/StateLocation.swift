/// Where a plan was made: the state it was compared with. A saved plan applies only there,
/// since applying it to another state would write a revision nobody reviewed against it
/// (following a hint that left out `--server` once applied a plan to a new local state
/// while the server it was made for stayed unchanged).
public enum StateLocation: Sendable, Hashable, CustomStringConvertible {
    /// A local state file, by absolute path.
    case file(String)
    /// A running serve's admin API, by base URL (no credentials, no trailing slash).
    case server(String)

    public var json: JSON {
        switch self {
        case .file(let path): return .object([.init("file", .string(path))])
        case .server(let url): return .object([.init("server", .string(url))])
        }
    }

    public init?(json: JSON) {
        if let path = json["file"]?.stringValue {
            self = .file(path)
        } else if let url = json["server"]?.stringValue {
            self = .server(url)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .file(let path): return "the state file \(path)"
        case .server(let url): return "the serve at \(url)"
        }
    }

    /// The options that point a command at this state.
    public var options: String {
        switch self {
        case .file(let path): return "--state " + Self.shellWord(path)
        case .server(let url): return "--server " + Self.shellWord(url)
        }
    }

    /// A shell word: as is when it is plainly safe, otherwise single-quoted.
    public static func shellWord(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789/._-:@%+=,".unicodeScalars.contains($0)) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
