// libFuzzer entry point for the whole request path of `serve`: bytes are parsed as a
// connection's input, and every request is routed and handled exactly as serve handles it
// (deploy endpoints, webhooks with form and JSON bodies, regex filters, the admin API),
// committed to a real state file. Any crash, hang or impossible status is a finding.
// Compiled into the ReactionsRuntime module by Tests/Fuzz/run.sh (it uses internal types).
import Foundation
import HTTPServer

private let fuzzRuntime: Runtime = {
    guard let state = ProcessInfo.processInfo.environment["REACTIONS_FUZZ_STATE"] else {
        fatalError("run through Tests/Fuzz/run.sh request: REACTIONS_FUZZ_STATE names an applied state file")
    }
    var options = Runtime.Options(store: SQLiteBackend(path: state), environment: ["FUZZ_KEY": "k-123", "FUZZ_HMAC": "secret",
                                                                   "REACTIONS_ADMIN_TOKEN": "fuzz-admin"])
    options.requestLogs = false
    options.dispatch = false
    do { return try Runtime(options: options) } catch { fatalError("cannot open \(state): \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let handler = RuntimeHandler(runtime: fuzzRuntime)
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPParser.Limits()
    limits.headerBytes = 4096
    var parser = HTTPParser(limits: limits)
    var index = 0
    while true {
        switch parser.parse(bytes, from: &index) {
        case .needMoreData, .failure: return 0
        case .head(let head): parser.bodyLimit = handler.bodyLimit(for: head) ?? limits.bodyBytes
        case .request(let request):
            let answered = DispatchSemaphore(value: 0)
            let status = Status()
            handler.handle(request, context: RequestContext(peer: "127.0.0.1", startedAt: DispatchTime.now().uptimeNanoseconds)) { response in
                status.code = response.status.code
                answered.signal()
            }
            if answered.wait(timeout: .now() + 60) == .timedOut { fatalError("no answer within 60 s to \(request.method) \(request.path)") }
            if !(100...599).contains(status.code) { fatalError("impossible status \(status.code)") }
            if status.code == 500 && request.path != "/api/v1/revisions" { fatalError("500 for \(request.method) \(request.path)") }
        }
    }
}

private final class Status: @unchecked Sendable {
    var code = 0
}
