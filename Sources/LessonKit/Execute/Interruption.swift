import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a build has under way outside its own memory: the temporary folders it compiles in, the
/// staging folders of pages not yet swapped in, and the process groups of the compilers and
/// lesson programs it started (each the leader of its own group, so a terminal's Ctrl-C does not
/// reach them). A command that is interrupted calls `abandon()`, and nothing is left behind.
/// The library never installs a signal handler itself; the command does.
public final class Interruption: Sendable {
    private let state = Mutex(State())
    private struct State {
        var paths: Set<String> = []
        var groups: Set<Int32> = []
        var abandoned = false
    }

    public init() {}

    /// A folder to remove if the build is abandoned; `done` when it is gone or swapped in.
    func track(_ folder: URL) { state.withLock { _ = $0.paths.insert(folder.path) } }
    func done(_ folder: URL) { state.withLock { _ = $0.paths.remove(folder.path) } }

    /// A child process group to kill if the build is abandoned. Returns false when the build was
    /// abandoned already: the caller kills the group itself.
    func track(group: Int32) -> Bool {
        state.withLock { s in
            if s.abandoned { return false }
            s.groups.insert(group)
            return true
        }
    }
    func done(group: Int32) { state.withLock { _ = $0.groups.remove(group) } }

    /// Kills every tracked process group and removes every tracked folder; returns the folders.
    @discardableResult
    public func abandon() -> [String] {
        let (groups, paths) = state.withLock { s in
            s.abandoned = true
            defer {
                s.groups = []
                s.paths = []
            }
            return (s.groups, s.paths)
        }
        for group in groups { _ = Glibc.kill(-group, SIGKILL) }
        for path in paths.sorted() { try? FileManager.default.removeItem(atPath: path) }
        return paths.sorted()
    }
}
