import CSystem
import Dispatch
import Foundation

/// Runs one script invocation the way DESIGN §4 promises: no shell between the payload and
/// the program, a clean environment (only what is given), the event on stdin, output
/// captured and capped, and a timeout that sends SIGTERM to everything the script started,
/// waits a grace period, then SIGKILLs the process group.
public struct ScriptRunner: Sendable {
    public struct Invocation: Sendable {
        /// The program: the snapshotted script itself, or its interpreter.
        public var executable: String
        /// argv[1...]; with an interpreter, the script's path comes first.
        public var arguments: [String]
        public var environment: [String: String]
        public var stdin: [UInt8]
        public var timeoutMilliseconds: Int
        public var graceMilliseconds = 2000
        /// Bytes kept of stdout and of stderr each; the rest is read and dropped.
        public var outputLimit = 64 * 1024

        public init(executable: String, arguments: [String], environment: [String: String], stdin: [UInt8], timeoutMilliseconds: Int) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.stdin = stdin
            self.timeoutMilliseconds = timeoutMilliseconds
        }
    }

    public struct Result: Sendable, Equatable {
        /// The exit status, when the script exited.
        public var exitStatus: Int32?
        /// The signal that ended it, when one did.
        public var signal: Int32?
        public var timedOut: Bool
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// Output was longer than the limit.
        public var truncated: Bool
        public var milliseconds: Int

        public var succeeded: Bool { exitStatus == 0 && !timedOut }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case cannotStart(String, errno: Int32)
        case system(String, errno: Int32)

        public var description: String {
            switch self {
            case .cannotStart(let path, let e): return "cannot start \(path): \(String(cString: strerror(e)))"
            case .system(let call, let e): return "\(call) failed: \(String(cString: strerror(e)))"
            }
        }
    }

    public init() {}

    public func run(_ invocation: Invocation) throws(Failure) -> Result {
        // A script that exits without reading stdin must not kill us with SIGPIPE.
        csys_ignore_sigpipe()
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        guard csys_pipe(&stdinPipe) == 0, csys_pipe(&stdoutPipe) == 0, csys_pipe(&stderrPipe) == 0 else {
            throw .system("pipe", errno: errno)
        }
        let argv = [invocation.executable] + invocation.arguments
        let envp = invocation.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: Int32 = 0
        let started = DispatchTime.now().uptimeNanoseconds
        var rc: Int32 = 0
        // ETXTBSY: a script written a moment ago may still be open for writing in a child
        // that another thread forked and that has not exec'd yet. It clears within
        // milliseconds; retry briefly instead of failing the delivery.
        for attempt in 0..<50 {
            rc = withCStrings(argv) { argvPointer in
                withCStrings(envp) { envpPointer in
                    csys_spawn(invocation.executable, argvPointer, envpPointer, stdinPipe[0], stdoutPipe[1], stderrPipe[1], &pid)
                }
            }
            guard rc == -ETXTBSY, attempt < 49 else { break }
            usleep(10_000)
        }
        // The child has its copies; the parent keeps only its ends.
        _ = csys_close(stdinPipe[0])
        _ = csys_close(stdoutPipe[1])
        _ = csys_close(stderrPipe[1])
        guard rc == 0 else {
            _ = csys_close(stdinPipe[1]); _ = csys_close(stdoutPipe[0]); _ = csys_close(stderrPipe[0])
            throw .cannotStart(invocation.executable, errno: -rc)
        }
        // stdin is written from another thread so a script that never reads it cannot block us.
        let input = invocation.stdin
        let writerFD = stdinPipe[1]
        let writer = Thread {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count, let base = raw.baseAddress {
                    let n = csys_write_fd(writerFD, base + offset, UInt(raw.count - offset))
                    if n <= 0 { break }
                    offset += n
                }
            }
            _ = csys_close(writerFD)
        }
        writer.start()

        _ = csys_set_nonblocking(stdoutPipe[0])
        _ = csys_set_nonblocking(stderrPipe[0])
        var out: [UInt8] = [], err: [UInt8] = []
        var truncated = false
        var openOut = true, openErr = true
        var timedOut = false
        var termSentAt: UInt64? = nil
        var killSentAt: UInt64? = nil
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let deadline = started + UInt64(invocation.timeoutMilliseconds) * 1_000_000
        func drain(_ fd: Int32, into target: inout [UInt8], open: inout Bool) {
            while true {
                let n = buffer.withUnsafeMutableBytes { csys_read(fd, $0.baseAddress, UInt($0.count)) }
                if n > 0 {
                    let room = max(0, invocation.outputLimit - target.count)
                    if n > room { truncated = true }
                    target.append(contentsOf: buffer[0..<min(n, room)])
                    continue
                }
                if n == 0 { open = false }
                return
            }
        }
        while openOut || openErr {
            let now = DispatchTime.now().uptimeNanoseconds
            if termSentAt == nil && now >= deadline {
                timedOut = true
                termSentAt = now
                _ = csys_kill_group(pid, SIGTERM)
            } else if let sent = termSentAt, killSentAt == nil, now >= sent + UInt64(invocation.graceMilliseconds) * 1_000_000 {
                _ = csys_kill_group(pid, SIGKILL)
                killSentAt = now
            } else if let killed = killSentAt, now >= killed + 1_000_000_000 {
                // Something outside the process group (a daemon that called setsid) still holds
                // the output open: stop reading rather than wait for it.
                break
            }
            let wait = termSentAt == nil ? min(100, Int((deadline - min(now, deadline)) / 1_000_000) + 1) : 50
            let ready = csys_poll2(openOut ? stdoutPipe[0] : -1, openErr ? stderrPipe[0] : -1, Int32(wait))
            if ready > 0 {
                if openOut && ready & 1 != 0 { drain(stdoutPipe[0], into: &out, open: &openOut) }
                if openErr && ready & 2 != 0 { drain(stderrPipe[0], into: &err, open: &openErr) }
            }
        }
        _ = csys_close(stdoutPipe[0])
        _ = csys_close(stderrPipe[0])
        // Output closed: the script is done, or it detached its descendants; end them too.
        let status = csys_wait(pid)
        _ = csys_kill_group(pid, SIGKILL)
        let milliseconds = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        return Result(exitStatus: status >= 0 ? status : nil, signal: status < 0 ? -status - 128 : nil, timedOut: timedOut,
                      stdout: out, stderr: err, truncated: truncated, milliseconds: milliseconds)
    }

    /// Calls `body` with a NULL-terminated array of C strings that live for the call.
    private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { buffer in
            // Never empty: it holds at least the terminating nil.
            guard let base = buffer.baseAddress else { preconditionFailure("an empty argument vector") }
            return body(base)
        }
    }
}
