import CSystem
import Foundation

/// Runs a program that leaves a daemon behind (`pg_ctl start`) and waits for the program
/// alone. Foundation's `Process` notices a child's exit through a descriptor that the
/// child's children inherit, so it waited for the daemon; and any pipe another test had
/// open at that moment would stay open in the daemon too. So this spawns the way `serve`
/// spawns scripts (`csys_spawn`: every descriptor above stderr closed in the child) and
/// waits for that one process. Output goes to `outputFile`, returned with the exit status.
public func runLeavingDaemon(_ path: String, _ arguments: [String], outputFile: String) throws -> (Int32, String) {
    let input = open("/dev/null", O_RDONLY | O_CLOEXEC)
    let output = open(outputFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    defer { close(input); close(output) }
    guard input >= 0, output >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    var pid: Int32 = 0
    let rc = csys_spawn(path, argv, environ, input, output, output, &pid)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: -rc) ?? .EIO) }
    let status = csys_wait(pid)
    return (status, (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? "")
}
