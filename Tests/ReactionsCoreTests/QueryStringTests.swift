import Testing
@testable import ReactionsCore

@Suite struct QueryStringTests {
    @Test func fieldsKeepTheOrderOfFirstAppearanceAndCollectRepeatedNames() throws {
        let fields = try #require(QueryString.fields("a=1&b=two+words&a=3&&c&d=%41%2b", maximumPairs: 10))
        #expect(fields.map(\.name) == ["a", "b", "c", "d"])
        #expect(fields.map(\.values) == [["1", "3"], ["two words"], [""], ["A+"]])
    }

    @Test func fieldsAreRefusedPastTheLimitCountingEveryPair() {
        #expect(QueryString.fields(String(repeating: "k=&", count: 10)[...], maximumPairs: 10)?.count == 1)
        #expect(QueryString.fields(String(repeating: "k=&", count: 11)[...], maximumPairs: 10) == nil)
        // Issue 11: 80,000 pairs of one name used to take 44 s (a scan and a copy per pair).
        #expect(QueryString.fields(String(repeating: "k=&", count: 80_000)[...], maximumPairs: 1_000) == nil)
        let many = QueryString.fields((0..<1_000).map { "k\($0 % 7)=\($0)" }.joined(separator: "&")[...], maximumPairs: 1_000)
        #expect(many?.count == 7 && many?.first?.values.count == 143)
    }
}
