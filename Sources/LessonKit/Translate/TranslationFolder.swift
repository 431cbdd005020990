import Foundation

/// The hand translations of a course: `<lessons>/zh-Hans/<slug>.md` for each translated lesson.
public struct TranslationFolder: Sendable {
    public let folder: URL
    /// As the lessons folder was given, for messages ("Lessons/zh-Hans/05-pooling.md").
    public let displayFolder: String

    /// The Traditional edition's corrections to OpenCC (`<lessons>/zh-Hant/terms.txt`).
    let termsFile: URL
    let termsDisplayPath: String

    public init(lessons: URL, displayLessons: String) {
        folder = lessons.appendingPathComponent(Language.translatedFolder)
        displayFolder = (displayLessons as NSString).appendingPathComponent(Language.translatedFolder)
        let terms = Language.traditionalChinese.rawValue + "/terms.txt"
        termsFile = lessons.appendingPathComponent(terms)
        termsDisplayPath = (displayLessons as NSString).appendingPathComponent(terms)
    }

    /// The corrections' text ("" without the file): part of the Traditional pages' keys.
    public func terms() -> String {
        FileManager.default.contents(atPath: termsFile.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Simplified -> Traditional for this course: OpenCC with the course's corrections.
    public func converter() throws(LessonError) -> ScriptConverter {
        try ScriptConverter(corrections: terms(), file: termsDisplayPath)
    }

    public func file(_ slug: String) -> URL { folder.appendingPathComponent(slug + ".md") }
    public func displayPath(_ slug: String) -> String {
        (displayFolder as NSString).appendingPathComponent(slug + ".md")
    }

    /// The lesson's translation; nil when it has none.
    public func translation(of slug: String) throws(LessonError) -> Translation? {
        guard FileManager.default.fileExists(atPath: file(slug).path) else { return nil }
        return try Translation.parse(file: file(slug), displayPath: displayPath(slug))
    }

    /// What is wrong with the lesson's translation (stale, untranslated, orphaned pieces, or a file
    /// that does not parse); empty without a translation.
    public func problems(of lesson: Lesson, englishPath: String) -> [LessonError] {
        do {
            guard let translation = try translation(of: lesson.slug) else { return [] }
            return TranslationReport.problems(
                TranslationMatch(lesson: lesson, translation: translation), translation: translation,
                english: englishPath)
        } catch { return [error] }
    }
}
