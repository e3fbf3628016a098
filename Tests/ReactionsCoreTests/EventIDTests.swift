import Foundation
import Testing
@testable import ReactionsCore

@Suite("Event ids")
struct EventIDTests {
    @Test("are RFC 9562 version 7 UUIDs carrying the current time in milliseconds")
    func uuidVersion7() throws {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let id = EventID.make()
        let after = UInt64(Date().timeIntervalSince1970 * 1000) + 1
        let groups = id.split(separator: "-").map(String.init)
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
        #expect(groups[2].first == "7")
        #expect("89ab".contains(try #require(groups[3].first)))
        let millis = try #require(UInt64(groups[0] + groups[1], radix: 16))
        #expect(millis >= before && millis <= after)
    }

    @Test("tell when they were made, and every id made before a time sorts below its lower bound")
    func timeAndLowerBound() throws {
        let id = EventID.make()
        let millis = try #require(EventID.milliseconds(of: id))
        #expect(UInt64(millis) == UInt64(id.prefix(8) + id.dropFirst(9).prefix(4), radix: 16))
        #expect(EventID.lowerBound(milliseconds: millis) == String(id.prefix(13)))
        #expect(id > EventID.lowerBound(milliseconds: millis))
        #expect(id < EventID.lowerBound(milliseconds: millis + 1))
        // The RFC 9562 example's time (2022-02-22T19:22:22Z), and ids that are not ours.
        #expect(EventID.milliseconds(of: "017f22e2-79b0-7cc3-98c4-dc0c0c07398f") == 0x017F22E279B0)
        #expect(EventID.lowerBound(milliseconds: 0x017F22E279B0) == "017f22e2-79b0")
        // Out of range: below every id, or above every one.
        #expect(EventID.lowerBound(milliseconds: -86_400_000) == "00000000-0000")
        #expect(EventID.lowerBound(milliseconds: Int64.max) == "ffffffff-ffff")
        for other in ["simulated", "017f22e2-79b0-4cc3-98c4-dc0c0c07398f", "017F22E2-79B0-7CC3-98C4-DC0C0C07398F", ""] {
            #expect(EventID.milliseconds(of: other) == nil, "\(other)")
        }
    }

    @Test("are unique and strictly increase in the order they were made, within a millisecond too")
    func uniqueAndOrdered() {
        var last = ""
        var seen = Set<String>()
        var randomBits = Set<Character>()
        var sameMillisecond = 0
        for _ in 0..<20_000 {
            let id = EventID.make()
            #expect(seen.insert(id).inserted)
            #expect(id > last, "\(id) after \(last)")
            if id.prefix(13) == last.prefix(13) { sameMillisecond += 1 }
            last = id
            randomBits.insert(id.last ?? "x")
        }
        #expect(sameMillisecond > 0, "the loop never made two ids in one millisecond; the counter went untested")
        #expect(randomBits.count == 16)
    }

    @Test("carry the time forward when the counter runs out or the clock steps back")
    func counterOverflowAndClockSteps() {
        var sequence = EventID.Sequence()
        var last = sequence.next(now: 1_000)
        #expect(last.millis == 1_000 && last.counter < 0x0800)
        for _ in 0..<5_000 {
            let next = sequence.next(now: 1_000)
            #expect((next.millis, next.counter) > (last.millis, last.counter))
            last = next
        }
        #expect(last.millis > 1_000, "4,096 counter values per millisecond at most")
        let stepped = sequence.next(now: 500)
        #expect((stepped.millis, stepped.counter) > (last.millis, last.counter))
        let later = sequence.next(now: 9_000)
        #expect(later.millis == 9_000)
    }

    @Test("draw their random bits from xoshiro256**, as the reference implementation computes it")
    func generatorMatchesTheReference() {
        var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect((0..<4).map { _ in generator.next() } == [11520, 0, 1509978240, 1215971899390074240])
    }
}
