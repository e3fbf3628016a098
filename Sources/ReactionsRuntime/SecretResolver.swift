import Foundation

/// Resolves a secret at the moment it is used: the environment variable `NAME`, or the
/// file `<secrets-dir>/NAME` (one trailing newline trimmed, as `echo` and editors add one).
/// Values are never cached, logged or stored.
struct SecretResolver: Sendable {
    let environment: [String: String]
    let directory: String?

    func value(_ name: String) -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let directory, SecretReference.isValidNameForFile(name),
              let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name)) else { return nil }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        return text.isEmpty ? nil : text
    }
}

import ReactionsCore

extension SecretReference {
    /// Secret names are environment-variable names, so they can never walk out of the directory.
    static func isValidNameForFile(_ name: String) -> Bool { isValidName(name) }
}
