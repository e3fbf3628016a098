import Foundation
import Testing
import ReactionsCore
@testable import ReactionsRuntime

/// The request log's line is written byte by byte, without a JSON tree: it must still be
/// one JSON object per line, with the duration to the microsecond.
@Suite struct RequestLogTests {
    func line(milliseconds: Double, route: String = "/integrations/deploy/:id", endpoint: String? = "ci", peer: String = "127.0.0.1") throws -> JSON {
        let bytes = RequestLog.line(time: "2026-12-06T19:00:00.000Z", method: "POST", route: route, endpoint: endpoint, status: 202,
                                    milliseconds: milliseconds, bytes: 15, peer: peer)
        #expect(bytes.last == 0x0A && bytes.dropLast().allSatisfy { $0 != 0x0A })
        return try JSONParser.value(String(decoding: bytes.dropLast(), as: UTF8.self))
    }

    @Test func aLineIsOneJSONObjectWithEveryField() throws {
        let parsed = try line(milliseconds: 1.5)
        #expect(parsed == .object([
            "time": .string("2026-12-06T19:00:00.000Z"), "level": .string("info"), "msg": .string("request"), "method": .string("POST"),
            "route": .string("/integrations/deploy/:id"), "endpoint": .string("ci"), "status": .int(202),
            "duration_ms": try JSONParser.value("1.500"), "bytes": .int(15), "peer": .string("127.0.0.1"),
        ]))
        #expect(try line(milliseconds: 1, endpoint: nil)["endpoint"] == nil)
        // What a client controls is escaped.
        #expect(try line(milliseconds: 1, route: "/hooks/\"x\"\n", peer: "[::1]")["route"] == .string("/hooks/\"x\"\n"))
    }

    @Test func durationsKeepThreeDecimals() throws {
        let cases: [(Double, String)] = [(0, "0.000"), (0.0004, "0.000"), (0.005, "0.005"), (0.05, "0.050"), (1.5, "1.500"),
                                         (12.3456, "12.346"), (1_234.0009, "1234.001"), (-3, "0.000")]
        for (milliseconds, text) in cases {
            let bytes = RequestLog.line(time: "t", method: "GET", route: "/", endpoint: nil, status: 200, milliseconds: milliseconds,
                                        bytes: 0, peer: "p")
            #expect(String(decoding: bytes, as: UTF8.self).contains(#""duration_ms":\#(text),"#), "\(milliseconds)")
        }
    }
}
