import Foundation

/// Runs blocking socket work on a thread of its own and awaits it, so a test that blocks
/// for seconds never holds one of the few threads every async test shares (their
/// `Task.sleep`s would wake late, and timing-sensitive tests elsewhere would fail).
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
