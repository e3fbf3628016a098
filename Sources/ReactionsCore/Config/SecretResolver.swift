import Foundation

/// Where secret values come from: the environment variable `NAME`, or the file
/// `<secrets-dir>/NAME`. The one rule `plan` (which only asks whether a secret is there)
/// and the runtime (which reads it at use) share.
public struct SecretResolver: Sendable {
    public let environment: [String: String]
    public let directory: String?

    public init(environment: [String: String], directory: String?) {
        self.environment = environment
        self.directory = directory
    }

    /// Whether the secret can be resolved, without reading its value into memory.
    public func isAvailable(_ name: String) -> Bool {
        if let value = environment[name], !value.isEmpty { return true }
        guard let path = file(name), let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return false }
        return size > 0 && FileManager.default.isReadableFile(atPath: path)
    }

    /// The value, read at the moment of use (one trailing newline trimmed, as `echo` and
    /// editors add one). Never cached, logged or stored.
    public func value(_ name: String) -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let path = file(name), let data = FileManager.default.contents(atPath: path) else { return nil }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    /// Secret names are environment-variable names, so they can never walk out of the directory.
    private func file(_ name: String) -> String? {
        guard let directory, SecretReference.isValidName(name) else { return nil }
        return (directory as NSString).appendingPathComponent(name)
    }
}
