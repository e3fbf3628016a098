import Testing
@testable import ReactionsRuntime

@Suite struct ScopedTokenTests {
    let claims = ScopedToken.Claims(scope: ScopedToken.Claims.emitScope, expires: 2_000, causation: "evt-1", depth: 3, reaction: "release")

    @Test func aMintedTokenVerifiesUntilItExpires() {
        let tokens = ScopedToken()
        let token = tokens.mint(claims)
        #expect(token.hasPrefix("rxn1.") && !token.contains("=") && !token.contains("+") && !token.contains("/"))
        #expect(tokens.verify(token, now: 1_999) == claims)
        #expect(tokens.verify(token, now: 2_000) == nil)
    }

    @Test func anythingElseIsRefused() {
        let tokens = ScopedToken(key: Array(repeating: 7, count: 32))
        let token = tokens.mint(claims)
        #expect(ScopedToken(key: Array(repeating: 8, count: 32)).verify(token, now: 0) == nil, "another server's key")
        // A changed claim (a deeper chain, a longer life) breaks the signature.
        let forged = ScopedToken(key: Array(repeating: 9, count: 32)).mint(.init(scope: "admin", expires: 9_999_999_999, causation: "x", depth: 0, reaction: "r"))
        let forgedBody = forged[..<(forged.lastIndex(of: ".") ?? forged.endIndex)]
        let signature = token[(token.lastIndex(of: ".") ?? token.startIndex)...]
        #expect(tokens.verify(String(forgedBody + signature), now: 0) == nil)
        for garbage in ["", "rxn1.", "rxn1..", "rxn1.e30.AAAA", "Bearer x", String(token.dropLast())] {
            #expect(tokens.verify(garbage, now: 0) == nil)
        }
    }
}
