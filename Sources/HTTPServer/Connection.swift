/// One client connection, owned by one event loop and touched only on its thread.
final class Connection {
    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor.
    let generation: UInt64
    let peer: String
    var parser: HTTPParser
    var input: [UInt8] = []
    var inputIndex = 0
    var output: [UInt8] = []
    var outputIndex = 0
    /// A request was handed to the handler and its response has not come back.
    var awaitingResponse = false
    /// Close once the output is flushed.
    var closeAfterFlush = false
    var writeInterest = false
    /// Queued for the loop to parse its buffered input.
    var scheduled = false
    /// Queued for the loop to write its output at the end of the turn.
    var flushQueued = false
    /// Monotonic nanoseconds: when output was last queued on an empty buffer or written.
    var lastOutputProgress: UInt64 = 0
    /// Reading is paused while enough input is buffered, or output is unsent, to answer.
    var readingPaused = false
    /// Monotonic nanoseconds: when the current request's first byte arrived (0: none yet).
    var requestStartedAt: UInt64 = 0
    var lastActivity: UInt64
    /// The head of the request being answered, for the response's framing.
    var currentKeepAlive = true
    var currentMinorVersion = 1
    var currentIsHead = false

    init(fd: Int32, generation: UInt64, peer: String, limits: HTTPParser.Limits, now: UInt64) {
        self.fd = fd
        self.generation = generation
        self.peer = peer
        parser = HTTPParser(limits: limits)
        lastActivity = now
    }

    var hasPendingOutput: Bool { outputIndex < output.count }
    var pendingOutputBytes: Int { output.count - outputIndex }

    /// Drops consumed input so the buffer does not grow across keep-alive requests.
    func compactInput() {
        if inputIndex == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 64 * 1024)
            inputIndex = 0
        } else if inputIndex > 32 * 1024 {
            input.removeFirst(inputIndex)
            inputIndex = 0
        }
    }
}
