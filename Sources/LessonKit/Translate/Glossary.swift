import Foundation

/// The course's terms in English and Chinese (`Lessons/zh-Hans/glossary.txt`, one term a line:
/// `kernel | 卷积核 | 02-kernels`, the lesson that teaches it last), published as a page of each
/// Chinese edition that links every term to its lesson.
public struct Glossary: Sendable {
    public struct Term: Sendable {
        public let english: String
        public let chinese: String
        public let lesson: String
        public let line: Int
    }
    public let terms: [Term]
    public let displayPath: String

    public static let fileName = "glossary.html"

    public static func read(lessons: URL, display: String) throws(LessonError) -> Glossary {
        let file = lessons.appendingPathComponent(Language.translatedFolder).appendingPathComponent("glossary.txt")
        let path = (display as NSString).appendingPathComponent(Language.translatedFolder + "/glossary.txt")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            return Glossary(terms: [], displayPath: path)
        }
        var terms: [Term] = []
        for (i, line) in String(decoding: data, as: UTF8.self).components(separatedBy: "\n").enumerated() {
            let content = line.trimmingCharacters(in: .whitespaces)
            guard !content.isEmpty, !content.hasPrefix("#") else { continue }
            let parts = content.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, !parts.contains(where: \.isEmpty) else {
                throw LessonError(file: path, line: i + 1, message: "a term is 'english | 中文 | lesson'")
            }
            terms.append(Term(english: parts[0], chinese: parts[1], lesson: parts[2], line: i + 1))
        }
        return Glossary(terms: terms, displayPath: path)
    }

    /// Terms that name no lesson of the course.
    public func problems(slugs: Set<String>) -> [LessonError] {
        return terms.filter { !slugs.contains($0.lesson) }.map {
            LessonError(file: displayPath, line: $0.line, message: "no lesson '\($0.lesson)' in the course")
        }
    }

    /// The glossary page at the top of an edition: a table of the terms, sorted by their English.
    func page(edition: Edition, convert: (String) -> String, course: [CourseEntry], courseTitle: String) -> String {
        let words = edition.words
        let titles = Dictionary(
            course.enumerated().map { ($1.slug, ($0 + 1, $1.title)) }, uniquingKeysWith: { a, _ in a })
        var rows = ""
        for term in terms.sorted(by: { $0.english.lowercased() < $1.english.lowercased() }) {
            let lesson =
                titles[term.lesson].map {
                    "<a href=\"\(HTML.escape(term.lesson))/index.html\">\(words(.lessonNumber, "\($0.0)")) · \(HTML.escape($0.1))</a>"
                } ?? HTML.escape(term.lesson)
            rows +=
                "<tr><td lang=\"en\">\(HTML.escape(term.english))</td><td>\(HTML.escape(convert(term.chinese)))</td><td>\(lesson)</td></tr>\n"
        }
        return """
            \(Stylesheet.head(title: words(.glossary) + " · " + courseTitle, language: edition.language))
            \(PageChrome.skipLink(words))
            <main id="content" tabindex="-1" style="max-width: 900px; margin: 0 auto;">
            <header>\(Edition(language: edition.language, words: words, languages: edition.languages.filter { $0 != .english }).languageLinks(Glossary.fileName, depth: 0))<p><a href="index.html">\(words(.courseContents))</a></p>
            <h1>\(words(.glossary))</h1><p class="summary">\(words(.glossaryIntro))</p></header>
            <div class="table-scroll"><table class="data glossary">
            <thead><tr><th>\(words(.termEnglish))</th><th>\(words(.termChinese))</th><th>\(words(.taughtIn))</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></div>
            </main>
            </body>
            </html>

            """
    }
}
