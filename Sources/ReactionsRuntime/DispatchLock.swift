import Foundation

/// An exclusive advisory lock on a file, held for as long as the process lives: the kernel
/// releases it however the holder ends (even `kill -9`), so a restarted or second `serve`
/// takes over dispatching without a stale lock to clean up.
///
/// Without a path (a store that lets several dispatchers claim deliveries safely) it is
/// always held.
final class DispatchLock: @unchecked Sendable {
    let path: String?
    private var fd: Int32 = -1

    init(path: String?) { self.path = path }

    var held: Bool { path == nil || fd >= 0 }

    func acquire() -> Bool {
        guard let path else { return true }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return false
        }
        fd = descriptor
        return true
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }
}
