import Foundation

/// The lessons of a folder with their titles and last build records, for `lessons list`.
public enum LessonList {
    public struct Entry: Sendable {
        public let slug: String
        /// The lesson's title, or "(cannot be read)".
        public let title: String
        public let record: BuildRecord?
    }

    public static func read(lessons: URL, output: OutputFolder) throws -> [Entry] {
        try files(in: lessons).map { file in
            let slug = file.deletingPathExtension().lastPathComponent
            return Entry(
                slug: slug, title: (try? LessonParser.parse(file: file))?.title ?? "(cannot be read)",
                record: BuildRecord.read(from: output.lessonFolder(slug)))
        }
    }

    /// The lessons' files in `folder`, in course order (by file name), README excluded; a file
    /// instead of a folder, or a folder without lessons, is an error.
    public static func files(in folder: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw RequestError.lessonsFolderIsAFile(path: folder.relativePath)
        }
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        } catch {
            throw MachineryError.unreadableFolder(
                path: folder.path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        let lessons = files.filter { $0.pathExtension == "md" && $0.lastPathComponent.lowercased() != "readme.md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !lessons.isEmpty else { throw RequestError.noLessons(folder: folder.relativePath) }
        return lessons
    }
}
