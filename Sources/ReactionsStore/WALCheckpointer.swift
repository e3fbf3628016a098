import Foundation
import Synchronization

/// Keeps the write-ahead log of a busy state file small, on a thread and connection of its
/// own.
///
/// `serve`'s writers commit hundreds of times a second and never checkpoint themselves (it
/// would stall the commit that happened to cross the threshold). A PASSIVE checkpoint alone
/// never catches up with them: SQLite may only rewind the log once every frame is in the
/// database, so under steady load the log grows without bound (830 MB in ten seconds),
/// and every commit then pays for the file system extending it (allocating and zeroing
/// blocks), which was a third of the writer's time.
///
/// So each round copies what it can without blocking anyone (PASSIVE), then finishes with
/// a RESTART, which waits for the commit in progress, copies the few frames written
/// meanwhile and makes the next commit write from the start of the log again. The log then
/// stays at about one round's worth of commits, and its pages are overwritten in place.
///
/// A RESTART blocks new writers while it waits, and it waits for every reader to let go of
/// older snapshots. So it is only tried when PASSIVE came close to the end of the log (far
/// behind means a reader pins an old snapshot, and the log cannot be rewound until it ends
/// anyway), and it gives up after a few milliseconds: a long read (an API listing, a CLI on
/// the same file) must never hold deploys up (tested).
public final class WALCheckpointer: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Opens a connection of its own and starts checkpointing every `intervalMilliseconds`.
    ///
    /// Often, because each round ends with an fsync of the database file, and a deploy's
    /// commit waits for its own fsync of the log on the same disk meanwhile: the more pages a
    /// round has to flush, the longer that wait. On a store of 200,000 deploys, rounds every
    /// 100 ms gave ingestion a p99 of 8.1-9.2 ms in quiet windows and 14-27 ms in busy ones;
    /// every 25 ms, 6.3-7.6 ms over ten consecutive rounds (every second: 25-115 ms). A round
    /// with nothing to copy costs a read of the log's index.
    public init(path: String, intervalMilliseconds: Int = 25) throws(StoreError) {
        let db = try SQLiteDatabase(path: path)
        db.limitLockWait(milliseconds: Self.restartWaitMilliseconds)
        nonisolated(unsafe) let connection = db
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                _ = wakeup.wait(timeout: .now() + .milliseconds(intervalMilliseconds))
                Self.round(connection)
            }
            finished.signal()
        }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    /// How long a RESTART may keep writers waiting before it gives up until the next round.
    static let restartWaitMilliseconds = 5
    /// How close (in frames, 4 KiB each) PASSIVE must get to the end of the log for a
    /// RESTART to be worth trying: a few commits' worth.
    static let restartWithinFrames = 2_048

    /// One PASSIVE pass, then a RESTART once it has caught up. Failures are left for the
    /// next round: a checkpoint only ever moves committed data from one file to another.
    static func round(_ db: SQLiteDatabase) {
        guard let passive = try? db.checkpoint(.passive), passive.logFrames > 0,
              passive.logFrames - passive.checkpointed <= restartWithinFrames else { return }
        _ = try? db.checkpoint(.restart)
    }

    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeup.signal()
        finished.wait()
    }
}
