import Foundation

/// Runs a program to completion and returns its exit status and output (stdout and stderr
/// together). `environment` nil inherits the test's. (A program that leaves a daemon
/// behind needs `runLeavingDaemon`.)
public func runProgram(_ path: String, _ arguments: [String], stdin: String? = nil,
                       cwd: URL? = nil, environment: [String: String]? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = cwd }
    if let environment { process.environment = environment }
    let out = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = out
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
