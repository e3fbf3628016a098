import Foundation
import Testing
import ReactionsCore
import TestSupport

/// Issue 11, defect 3 and its class: a body's size must not buy a client time on a loop.
@Suite(.serialized) struct HostileBodyTests {
    func serve() throws -> (CLI, ServeProcess) {
        let cli = try CLI()
        try cli.writeConfig(#""endpoints": [{"name": "open", "kind": "webhook", "path": "/triggers/open", "auth": "none"}]"#)
        return (cli, try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"]))
    }

    /// 80,000 `k=` pairs (240 KB) took 44 s to decode, on the loop thread. Forms now decode
    /// in linear time and are held to 1,000 fields.
    @Test func aFormOfEightyThousandFieldsIsRefusedAndNobodyWaits() async throws {
        let (_, server) = try serve()
        let port = server.port
        let form = String(repeating: "k=&", count: 80_000)
        let answer = try await offThePool { () -> String in
            let client = try RawClient(port: port, receiveTimeoutMilliseconds: 10_000)
            client.send("POST /triggers/open HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: \(form.utf8.count)\r\n\r\n" + form)
            return client.readResponses(1).first ?? ""
        }
        #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(300))")
        #expect(answer.contains("more than 1000 fields"))
        // A thousand values of one name are one list.
        let thousand = (0..<1_000).map { "tag=\($0)" }.joined(separator: "&")
        let accepted = try await server.request("POST", "/triggers/open", body: thousand,
                                                headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(accepted.status == 202)
        #expect(server.stop() == 0)
    }
}
