import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file's size and modification time, from one `stat`: for cache keys and for noticing that a
/// file changed. (`FileManager.attributesOfItem` also looks up the owner's and group's names,
/// reading `/etc/passwd` and `/etc/group` for every file it is asked about.)
public struct FileStamp: Equatable, Sendable {
    public let size: Int
    /// Seconds since 1970.
    public let modified: Double

    /// Nil when there is no such file.
    public init?(_ file: URL) {
        var status = stat()
        guard stat(file.path, &status) == 0 else { return nil }
        size = Int(status.st_size)
        modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
    }
}
