import Foundation
import Synchronization

/// SwiftPM's `Objects.LinkFileList` (the exact objects it linked into `lessons`, quoted paths one
/// a line), read once for the fingerprint and every compile of a command: each compile only
/// `stat`s it. A preview that outlives a `swift build` reads it again when its time or size moved.
final class LinkFileList: Sendable {
    private let read = Mutex<(stamp: FileStamp, objects: [URL])?>(nil)

    /// The objects `file` lists, or nil when there is no such file (nothing linked yet).
    func objects(in file: URL) -> [URL]? {
        guard let stamp = FileStamp(file) else { return nil }
        if let known = read.withLock({ $0 }), known.stamp == stamp { return known.objects }
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        let objects = text.split(separator: "\n").map { line in
            URL(fileURLWithPath: line.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")))
        }
        read.withLock { $0 = (stamp, objects) }
        return objects
    }
}
