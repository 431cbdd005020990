import Foundation

/// The cores a build shares among the lesson programs running at once. Each running program has
/// a file holding its share (`LESSON_THREADS_FILE`), cores / programs running, which it reads
/// a few times a second and hands to the core (`NotebookRuntime.followThreadShare`); when a
/// lesson ends, the others' shares grow, so the last lesson of a build (often the longest, the
/// one that trains) runs on every core instead of the one it started with. The core's numbers do
/// not depend on its thread count, so a share changing mid-run changes no result.
public final class ThreadShare: @unchecked Sendable {
    public let cores: Int
    // The running programs' files. One lock around the list and the writing of the files, so
    // that the last shares written are those of the last change (the files are small and local).
    private let lock = NSLock()
    private var files: [URL] = []

    public init(cores: Int) { self.cores = max(1, cores) }

    /// A file in `directory` for one more running program, and its share now; every running
    /// program's share is rewritten.
    func join(in directory: URL) -> (file: URL, threads: Int) {
        let file = directory.appendingPathComponent("threads")
        lock.lock()
        defer { lock.unlock() }
        files.append(file)
        return (file, rewrite())
    }

    /// The program with `file` has ended; the others' shares are rewritten.
    func leave(_ file: URL) {
        lock.lock()
        defer { lock.unlock() }
        files.removeAll { $0 == file }
        _ = rewrite()
    }

    /// Writes cores / running into every running program's file (replaced whole, so a reader
    /// never sees half a number); returns the share. Called with the lock held.
    private func rewrite() -> Int {
        let share = max(1, cores / max(1, files.count))
        for file in files { try? Data("\(share)\n".utf8).write(to: file, options: .atomic) }
        return share
    }
}
