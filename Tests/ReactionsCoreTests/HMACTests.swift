import Testing
@testable import ReactionsCore

/// RFC 4231 §4.2–4.8 (HMAC-SHA-256 results) and the Standard Webhooks reference vector.
@Suite struct HMACTests {
    static let cases: [([UInt8], [UInt8], String)] = [
        ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xCD, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xAA, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: 0..<6)
    func rfc4231(index: Int) {
        let (key, data, expected) = Self.cases[index]
        #expect(HMACSHA256.authenticationCode(key: key, message: data).hexString == expected)
        #expect(HMACSHA256.verify(Hex.decode(expected) ?? [], key: key, message: data))
        #expect(!HMACSHA256.verify(Hex.decode(expected) ?? [], key: key, message: data + [0]))
    }

    @Test func rfc4231TruncatedCase() {
        let code = HMACSHA256.authenticationCode(key: [UInt8](repeating: 0x0C, count: 20), message: Array("Test With Truncation".utf8))
        #expect(code.prefix(16).hexString == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func standardWebhooksReferenceVector() throws {
        let signer = try StandardWebhooks(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let body = Array(#"{"test": 2432232314}"#.utf8)
        #expect(signer.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body)
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        // Verification accepts it among other signatures, within the window only.
        try signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                          signatures: "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body, now: 1614265330 + 60)
        #expect(throws: StandardWebhooks.Failure.timestampOutOfWindow) {
            try signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                              signatures: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body, now: 1614265330 + 301)
        }
        #expect(throws: StandardWebhooks.Failure.noMatchingSignature) {
            try signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                              signatures: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body + [32], now: 1614265330)
        }
        #expect(throws: StandardWebhooks.Failure.missingHeaders) {
            try signer.verify(id: nil, timestamp: "1", signatures: "v1,x", body: body, now: 1)
        }
        #expect(throws: StandardWebhooks.Failure.invalidSecret) { try StandardWebhooks(secret: "whsec_not*base64") }
        // The prefix is optional, as in the reference libraries.
        #expect(try StandardWebhooks(secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign(id: "a", timestamp: 1, body: [])
                == signer.sign(id: "a", timestamp: 1, body: []))
    }

    @Test func githubStyleHexHeader() {
        let secret = Array("It's a Secret to Everybody".utf8)
        let body = Array("Hello, World!".utf8)
        // GitHub's documented example for X-Hub-Signature-256.
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(HeaderSignature.verify(header: header, prefix: "sha256=", encoding: .hex, secret: secret, body: body))
        #expect(!HeaderSignature.verify(header: header, prefix: "sha256=", encoding: .hex, secret: secret, body: body + [33]))
        #expect(!HeaderSignature.verify(header: "sha1=abc", prefix: "sha256=", encoding: .hex, secret: secret, body: body))
        #expect(!HeaderSignature.verify(header: nil, prefix: "sha256=", encoding: .hex, secret: secret, body: body))
        #expect(!HeaderSignature.verify(header: "sha256=zz", prefix: "sha256=", encoding: .hex, secret: secret, body: body))
    }

    @Test func base64RoundTripsAndRejectsJunk() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.decode("Zm8") == Array("fo".utf8))
        #expect(Base64.decode("Z") == nil)
        #expect(Base64.decode("Zm=8") == nil)
        #expect(Base64.decode("Zm9v!") == nil)
    }
}
