import Foundation
import ReactionsCore

/// The config files a command rewrites (`fmt`, `migrate`).
enum ConfigFiles {
    static func list(_ path: String) throws(CLIError) -> (URL, [URL]) {
        switch ConfigLoader.documentFiles(at: path) {
        case .failure(let message): throw CLIError(message: message)
        case .success(let listing): return (listing.root, listing.files)
        }
    }

    static func relative(_ file: URL, root: URL) -> String { ConfigLoader.relativePath(of: file, under: root) }
}
