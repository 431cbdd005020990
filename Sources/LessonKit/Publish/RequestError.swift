import Foundation

/// A command asked for something the course cannot give: the wrong kind of path, no lessons, a
/// name that fits no lesson or several. Always one line; nothing has been written when it is thrown.
public enum RequestError: Error, Equatable, CustomStringConvertible, Sendable {
    case emptyOutputPath
    case lessonsFolderIsAFile(path: String)
    case noLessons(folder: String)
    case unknownLesson(name: String, available: [String])
    case ambiguousLesson(name: String, candidates: [String])
    /// A lesson named by the path of a `.md` file that is not there.
    case noLessonFile(path: String)

    public var description: String {
        switch self {
        case .emptyOutputPath:
            return "--out is empty: name the folder the pages go to (default: output)"
        case .lessonsFolderIsAFile(let path):
            return
                "--lessons \(path) is a file, not a folder: pass the folder (--lessons \((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)) and the lesson's slug, or run the file with `lessons run \(path)`"
        case .noLessons(let folder):
            return "no lessons in \(folder): a lesson is a file named like 01-intro.md"
        case .unknownLesson(let name, let available):
            return
                "unknown lesson '\(name)'; available: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .ambiguousLesson(let name, let candidates):
            return "lesson '\(name)' is ambiguous; it could be: \(candidates.joined(separator: ", "))"
        case .noLessonFile(let path):
            return "no lesson file at \(path)"
        }
    }
}
