import Foundation
import Testing
import ReactionsCore
import ReactionsStore
@testable import ReactionsRuntime

/// The server's replay job: one at a time, polled until done, only the latest kept.
@Suite struct ReplayJobsTests {
    static let empty = Replay(window: .init(since: nil, until: "2026-12-06T00:00:00.000Z", events: 0), reactions: [], unmatchedBefore: 0, unmatchedAfter: 0)

    func waitUntilFinished(_ jobs: ReplayJobs, _ id: String) -> ReplayJobs.State? {
        for _ in 0..<500 {
            if case .running? = jobs.state(of: id) { Thread.sleep(forTimeInterval: 0.01); continue }
            return jobs.state(of: id)
        }
        return jobs.state(of: id)
    }

    @Test func oneAtATimeAndOnlyTheLatestIsKept() throws {
        let jobs = ReplayJobs()
        let release = DispatchSemaphore(value: 0)
        let first = try #require(jobs.start { () throws(StoreError) -> Replay in
            release.wait()
            return Self.empty
        })
        guard case .running? = jobs.state(of: first) else { Issue.record("the first replay is running"); return }
        #expect(jobs.start { () throws(StoreError) -> Replay in Self.empty } == nil, "a second replay is refused while one runs")
        release.signal()
        guard case .done(let replay)? = waitUntilFinished(jobs, first) else { Issue.record("the first replay finished"); return }
        #expect(replay == Self.empty)

        let failing = try #require(jobs.start { () throws(StoreError) -> Replay in throw .corrupt("broken") })
        guard case .failed(let error)? = waitUntilFinished(jobs, failing) else { Issue.record("the failure is kept"); return }
        #expect(error.description.contains("broken"))
        #expect(jobs.state(of: first) == nil, "only the latest replay is kept")
        #expect(jobs.state(of: "unknown") == nil)
    }
}
