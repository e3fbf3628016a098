// libFuzzer entry point for the config loader: any bytes as a config document are parsed,
// decoded and validated (regular expressions, globs and templates compiled) without a
// crash, and the loader never accepts what it then cannot normalize. Compiled into the
// ReactionsCore module by Tests/Fuzz/run.sh (it uses internal types).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let node = try? JSONParser.parse(bytes) else { return 0 }
    var config = Config()
    let (document, diagnostics) = ConfigDocument.decode(node, file: "fuzz.json")
    config.merge(document)
    let all = diagnostics + Validator().validate(config)
    if !all.hasErrors {
        // What validates must survive the round trip through the state document, as apply
        // stores it and serve reads it back.
        let (reread, problems) = Normalizer.document(config).config()
        if problems.hasErrors { fatalError("a valid config did not read back from its state document: \(problems)") }
        _ = reread
    }
    return 0
}
