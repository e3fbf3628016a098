// libFuzzer entry point for the HTTP parser: any byte sequence, fed whole and in
// pieces, must produce the same outcome and never crash. Built by Tests/Fuzz/run.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPParser.Limits()
    limits.headerBytes = 2048
    limits.bodyBytes = 4096
    let whole = outcome(bytes, piece: max(1, bytes.count), limits: limits)
    let split = outcome(bytes, piece: 1 + (bytes.first.map { Int($0 % 13) } ?? 0), limits: limits)
    if whole != split { fatalError("splitting the input changed the outcome: \(whole) vs \(split)") }
    return 0
}

private func outcome(_ bytes: [UInt8], piece: Int, limits: HTTPParser.Limits) -> String {
    var parser = HTTPParser(limits: limits)
    var buffer: [UInt8] = []
    var index = 0
    var summary = ""
    var offset = 0
    while offset < bytes.count {
        buffer.append(contentsOf: bytes[offset..<min(bytes.count, offset + piece)])
        offset += piece
        loop: while true {
            switch parser.parse(buffer, from: &index) {
            case .needMoreData: break loop
            case .head(let head): summary += "H\(head.method) \(head.target);"
            case .request(let request): summary += "R\(request.body.count);"
            case .failure(let error): return summary + "E\(error.status.code)"
            }
        }
        precondition(index <= buffer.count)
    }
    return summary
}
