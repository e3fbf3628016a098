import Foundation
import Testing
import ReactionsCore
@testable import ReactionsStore
import TestSupport

/// The one-pass reader (`DeployBodyPacker`) must give exactly what parsing the body into a
/// tree gives: the same payload or the same errors, the same `deploy_number` as sent, and
/// the same packed members byte for byte. It may decline a body (the tree then parses it),
/// but must take the bodies real pipelines send, or it would be no faster.
@Suite struct DeployBodyPackerTests {
    /// What a body becomes through the tree, the path every body took before.
    static func reference(_ body: [UInt8]) -> Result<DeployBody, DeployPayload.Invalid> {
        DeployPayload.parse(body).map(DeployBody.init)
    }

    /// Compares the two paths on one body; returns whether the one pass took it.
    @discardableResult
    static func check(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        check(Array(text.utf8), sourceLocation: sourceLocation)
    }

    @discardableResult
    static func check(_ body: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        let took = DeployBodyPacker.pack(body) != nil
        let fast = DeployBody.parse(body, form: .packed)
        let slow = reference(body)
        let shown = String(decoding: body, as: UTF8.self)
        switch (fast, slow) {
        case (.success(let f), .success(let s)):
            #expect(f.payload == s.payload, "payload of \(shown)", sourceLocation: sourceLocation)
            #expect(f.sentDeployNumber == s.sentDeployNumber, "deploy_number of \(shown)", sourceLocation: sourceLocation)
            #expect(f.tail(.packed) == s.tail(.packed), "packed members of \(shown)", sourceLocation: sourceLocation)
            #expect(f.tail(.text) == s.tail(.text), "text members of \(shown)", sourceLocation: sourceLocation)
            #expect(f.dataMembers == s.dataMembers, "data of \(shown)", sourceLocation: sourceLocation)
        case (.failure(let f), .failure(let s)):
            #expect(f == s, "errors for \(shown)", sourceLocation: sourceLocation)
        default:
            Issue.record("the paths disagree on \(shown): one pass \(fast), tree \(slow)", sourceLocation: sourceLocation)
        }
        return took
    }

    static let valid = #"{"dedup_id":"bench-1","service":"shopping_cart","deployer":{"id":"1a9f841f","email":"m@example.com","name":"Michael Scott"},"deployed_at":"2019-02-01 13:28:33","environment":"Production","description":"Deployed by CI Pipeline: Deploy #234","deploy_url":"https://heroku.deploys.com","deploy_number":"234","commit":{"sha":"38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5","message":"Merge branch 'fix-tax-rate' into 'master'","branch":"master"}}"#

    /// Bodies real pipelines send: the one pass must take every one.
    @Test func takesWhatPipelinesSend() {
        let bodies = [
            Self.valid,
            StoredEnvelopeTests.opsLevelDeploy,
            // Minimal; the deployer by name only; a numeric deploy number; a status.
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI"}}"#,
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"email":"ci@example.com"},"deploy_number":42,"status":"FAILED"}"#,
            // Escapes a commit message holds, and text that is not ASCII.
            #"{"service":"cart","description":"line one\nline \"two\"\t/ \\ \/","deployed_at":"2026-12-05 10:40:08","deployer":{"name":"José Müller 🚀"},"commit":{"message":"fix: ✓ \r\n done"}}"#,
            // Whitespace between every token, pretty-printed.
            "{\n  \"service\" : \"cart\" ,\n\t\"description\":\"d\",\r\n \"deployed_at\": \"2026-12-05T10:40:08Z\",\n \"deployer\": { \"name\" : \"CI\" } ,\n \"extra\" : [ 1 , -0 , 2.5e-3 , true , false , null , { } , [ ] ]\n}\n",
            // Members no one declared, numbers of every shape, a long string, a long name.
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI","id":7},"id":99,"status":"started","#
                + #""big":12345678901234567890123,"neg":-0,"frac":-1.25E+10,"zero":0,"blob":"\#(String(repeating: "x", count: 300))","#
                + #""\#(String(repeating: "k", count: 200))":{"nested":{"deeper":[[[]]]}},"environment":null,"deploy_url":null,"dedup_id":"7"}"#,
        ]
        for body in bodies {
            #expect(Self.check(body), "the one pass declined \(body)")
        }
    }

    /// Bodies it may leave to the tree, which then answers (with the same result as ever).
    @Test func declinesWhatItDoesNotTake() {
        let declined = [
            #"{"service":"caf\u00e9","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI"}}"#,
            "\u{FEFF}" + Self.valid,
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI"},"status":{"x":1}}"#,
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI"},"id":[1]}"#,
            #"{"servi\"ce":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI"}}"#,
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI"},"deep":"#
                + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}",
            "{" + (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}",
        ]
        for body in declined {
            #expect(!Self.check(body), "the one pass took \(body)")
        }
    }

    /// Bodies with something wrong: the same answer from both paths, whether the one pass
    /// declined them or validated what it kept.
    @Test func invalidBodies() {
        let fields = #""description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"name":"CI"}"#
        let bodies = [
            "", " ", "null", "[]", "\"x\"", "{", "{}", "{\"service\":\"cart\"}",
            #"{"service":"cart",\#(fields),}"#,
            #"{"service":"cart",\#(fields)} x"#,
            #"{"service":"cart" \#(fields)}"#,
            #"{"service":"cart",\#(fields),"service":"other"}"#,
            #"{"service":"cart",\#(fields),"commit":{"sha":"a","sha":"b"}}"#,
            #"{"service":"  ","description":"d","deployed_at":"x","deployer":{}}"#,
            #"{"service":"a\u0000b",\#(fields)}"#,
            #"{"service":"cart",\#(fields),"status":"done"}"#,
            #"{"service":"cart",\#(fields),"deploy_number":true}"#,
            #"{"service":"cart",\#(fields),"commit":"abc"}"#,
            #"{"service":"cart",\#(fields),"commit":[1]}"#,
            #"{"service":"cart",\#(fields),"environment":{"name":"x"}}"#,
            #"{"service":"cart",\#(fields),"environment":["x"]}"#,
            #"{"service":"cart",\#(fields),"environment":false}"#,
            #"{"service":42,"description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":"CI"}"#,
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":["CI"]}"#,
            #"{"service":"cart","description":"d","deployed_at":"2026-12-05T10:40:08Z","deployer":{"email":{"a":1},"name":["b"]}}"#,
            #"{"service":"cart",\#(fields),"x":01}"#,
            #"{"service":"cart",\#(fields),"x":1.}"#,
            #"{"service":"cart",\#(fields),"x":-}"#,
            #"{"service":"cart",\#(fields),"x":1e}"#,
            #"{"service":"cart",\#(fields),"x":tru}"#,
            #"{"service":"cart",\#(fields),"x":[1,]}"#,
            #"{"service":"cart",\#(fields),"x":[1 2]}"#,
            #"{"service":"cart",\#(fields),"x":"\q"}"#,
            #"{"service":"cart",\#(fields),"x":"unterminated}"#,
            "{\"service\":\"cart\",\(fields),\"x\":\"tab\there\"}",
        ]
        for body in bodies { Self.check(body) }
        // Bytes that are not UTF-8, in a value and in a key.
        var bad = Array(#"{"service":"cart",\#(fields),"x":"ab"}"#.utf8)
        bad[bad.count - 3] = 0xFF
        Self.check(bad)
        var badKey = Array(#"{"service":"cart",\#(fields),"ab":1}"#.utf8)
        badKey[badKey.count - 5] = 0xC3
        Self.check(badKey)
    }

    /// Random bodies built from the pieces deploys are made of, then every one cut short and
    /// with a byte changed: thousands of comparisons, reproducible from the seed.
    @Test func randomBodiesAgree() {
        var rng = SplitMix64(seed: 0x5eed_16)
        var took = 0
        var total = 0
        for _ in 0..<1_500 {
            let body = Array(Self.randomBody(&rng).utf8)
            total += 1
            if Self.check(body) { took += 1 }
            let cut = Int(rng.next() % UInt64(body.count))
            Self.check(Array(body[..<cut]))
            var changed = body
            changed[Int(rng.next() % UInt64(body.count))] = Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))]
            Self.check(changed)
        }
        // Most whole bodies are ones the one pass takes, or this test would compare little.
        #expect(took * 2 > total, "the one pass took \(took) of \(total)")
    }

    /// Bytes that make JSON: a changed byte is usually one of these.
    static let pieces = Array("{}[]\":,\\ \n0-1.eE+tfnu\u{7F}".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]

    static func randomBody(_ rng: inout SplitMix64) -> String {
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        let strings = [#""cart""#, #""shopping_cart""#, #""""#, #"" ""#, #""a\nb""#, #""q\"uote""#, #""José""#, #""🚀 ok""#,
                       #""2026-12-05T10:40:08Z""#, #""2019-02-01 13:28:33""#, #""succeeded""#, #""Started""#, #""nope""#]
        let scalars = strings + ["0", "-0", "12", "-3.5", "1e3", "98765432109876543210", "true", "false", "null"]
        func value(_ depth: Int) -> String {
            switch rng.next() % 8 {
            case 0 where depth < 4: return "{" + (0..<Int(rng.next() % 4)).map { _ in "\(pick(keys)):\(value(depth + 1))" }.joined(separator: ",") + "}"
            case 1 where depth < 4: return "[" + (0..<Int(rng.next() % 4)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            default: return pick(scalars)
            }
        }
        let keys = [#""service""#, #""description""#, #""deployed_at""#, #""environment""#, #""deploy_url""#, #""dedup_id""#,
                    #""deploy_number""#, #""status""#, #""id""#, #""commit""#, #""deployer""#, #""email""#, #""name""#,
                    #""sha""#, #""custom""#, #""x-team""#]
        var members = [
            #""service":\#(pick(strings))"#,
            #""description":\#(pick(strings))"#,
            #""deployed_at":\#(pick(strings))"#,
            #""deployer":\#(rng.next() % 4 == 0 ? value(1) : "{\"name\":\(pick(scalars)),\"email\":\(pick(scalars)),\"id\":\(pick(scalars))}")"#,
        ]
        var used = Set(members.map { String($0.prefix { $0 != ":" }) })
        for _ in 0..<Int(rng.next() % 6) {
            let key = pick(keys)
            guard used.insert(key).inserted else { continue }
            members.append("\(key):\(value(1))")
        }
        // Drop a required member now and then, and shuffle the order.
        if rng.next() % 5 == 0 { members.remove(at: Int(rng.next() % UInt64(members.count))) }
        for i in members.indices.reversed() where i > 0 { members.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let space = pick(["", " ", "\n  "])
        return "{" + space + members.joined(separator: "," + space) + space + "}"
    }
}

/// The names the one pass matches by their packed bytes.
@Suite struct PackedNameTests {
    @Test func bytesNameTheSameNamesAsStrings() {
        for name in PackedJSON.names {
            // The name words hold 16 bytes: a longer name would never be matched, and be spelled out.
            #expect(name.utf8.count <= 16, "\(name) is too long for PackedJSON's name words")
            let bytes = Array(name.utf8)
            #expect(bytes.withUnsafeBufferPointer(PackedJSON.knownName) == PackedJSON.knownName(name), "\(name)")
        }
        for other in ["", "x", "services", "servic", "deploy_numbers", "committer_emai", "0123456789abcdef0"] {
            #expect(Array(other.utf8).withUnsafeBufferPointer(PackedJSON.knownName) == nil, "\(other)")
        }
    }

    @Test func constantNamesAreTheirPlaces() {
        typealias N = PackedJSON.Name
        let expected: [(UInt8, String)] = [(N.data, "data"), (N.source, "source"), (N.subject, "subject"), (N.service, "service"),
                                          (N.environment, "environment"), (N.endpoint, "endpoint"), (N.causationID, "causationid"),
                                          (N.chainDepth, "chaindepth"), (N.id, "id"), (N.deployNumber, "deploy_number"), (N.status, "status"),
                                          (N.dedupID, "dedup_id"), (N.deployer, "deployer"), (N.email, "email"), (N.name, "name"),
                                          (N.deployedAt, "deployed_at"), (N.description, "description"), (N.deployURL, "deploy_url"), (N.commit, "commit")]
        for (byte, name) in expected { #expect(PackedJSON.knownName(name) == byte, "\(name)") }
    }
}
