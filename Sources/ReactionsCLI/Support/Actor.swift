import Foundation

/// Who applied, as `state history` shows it. CI names itself in `REACTIONS_ACTOR` (say,
/// `github:octocat` from `$GITHUB_ACTOR`); on a laptop the person is who git says commits
/// there, then the login name. A container without `$USER` once recorded `unknown@vm`.
enum Actor {
    static func current(_ env: [String: String], directory: String? = nil) -> String {
        if let actor = env["REACTIONS_ACTOR"], !actor.isEmpty { return actor }
        if let email = env["GIT_AUTHOR_EMAIL"], !email.isEmpty { return email }
        if let email = gitEmail(env, directory: directory) { return email }
        let host = ProcessInfo.processInfo.hostName
        for name in [env["USER"], env["LOGNAME"], loginName()] {
            if let name, !name.isEmpty { return "\(name)@\(host)" }
        }
        return "uid \(getuid())@\(host)"
    }

    /// `git config user.email`, if git is installed and answers within two seconds.
    static func gitEmail(_ env: [String: String], directory: String?) -> String? {
        let paths = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/git" }
        guard let git = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = ["config", "--get", "user.email"]
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 2, execute: watchdog)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationStatus == 0 else { return nil }
        let email = String(decoding: data.prefix(320), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return email.isEmpty || email.contains("\n") ? nil : email
    }

    /// The login name of the process's user, from the password database.
    static func loginName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}
