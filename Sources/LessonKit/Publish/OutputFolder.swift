import Foundation

/// The output folder, touched only where the runner made things: lesson folders holding a
/// `.lesson.json`, `index.html`, and its own staging folders. Pages are swapped in whole.
public struct OutputFolder: Sendable {
    public let url: URL

    /// Refuses `/` and the home folder outright.
    public init(_ url: URL) throws {
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        let home = FileManager.default.homeDirectoryForCurrentUser.standardizedFileURL.resolvingSymlinksInPath().path
        guard path != "/" && path != home else {
            throw MachineryError.refusingOutputFolder(path: path)
        }
        self.url = url.standardizedFileURL
    }

    public func lessonFolder(_ slug: String) -> URL { url.appendingPathComponent(slug) }

    /// A new staging folder inside the output (same file system, so the swap is a rename).
    func stagingFolder(_ slug: String) throws -> URL {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let staging = url.appendingPathComponent(".staging-\(slug)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        return staging
    }

    /// Replaces `<out>/<slug>` with `staging`. The old folder is moved aside first and removed
    /// only once the new one is in place; a folder the runner did not make is never replaced.
    func publish(_ staging: URL, as slug: String) throws {
        let target = lessonFolder(slug)
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            guard fm.fileExists(atPath: target.appendingPathComponent(BuildRecord.fileName).path) else {
                try? fm.removeItem(at: staging)
                throw MachineryError.refusingToReplace(path: target.path, marker: BuildRecord.fileName)
            }
            let aside = url.appendingPathComponent(".old-\(slug)-\(UUID().uuidString)")
            try fm.moveItem(at: target, to: aside)
            try fm.moveItem(at: staging, to: target)
            try? fm.removeItem(at: aside)
        } else {
            try fm.moveItem(at: staging, to: target)
        }
    }

    /// Writes a file through a temporary name and a rename.
    func writeAtomically(_ text: String, to name: String) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url.appendingPathComponent(name), options: .atomic)
    }

    /// Removes what the runner made: lesson folders with a record, index.html, staging leftovers.
    /// Returns the paths removed.
    public func clean() throws -> [String] {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(at: url, includingPropertiesForKeys: nil) else { return [] }
        var removed: [String] = []
        for entry in entries {
            let name = entry.lastPathComponent
            let ours = name == "index.html" || name.hasPrefix(".staging-") || name.hasPrefix(".old-")
                || fm.fileExists(atPath: entry.appendingPathComponent(BuildRecord.fileName).path)
            if ours { try fm.removeItem(at: entry); removed.append(entry.path) }
        }
        return removed.sorted()
    }
}
