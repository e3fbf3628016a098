/// A reference to a secret, `{"secret": "NAME"}` in config or `#{secret.NAME}` in a template.
///
/// Only the name is ever stored, planned or logged; the runtime resolves the value at
/// use, from the environment variable `NAME` or the file `<secrets-dir>/NAME`.
public struct SecretReference: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public init(_ name: String) { self.name = name }

    /// Environment-variable names: letters, digits and underscores, not starting with a digit.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 128 else { return false }
        guard first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    public var json: JSON { .object(["secret": .string(name)]) }
    public var description: String { "secret \(name)" }
}
