import Foundation

/// The course in the languages it is translated into: after the English build, each lesson's
/// stored run is rendered again with its translation (`Lessons/zh-Hans/<slug>.md`) into
/// `<out>/zh-Hans/<slug>/`, and with the same translation converted by OpenCC into
/// `<out>/zh-Hant/<slug>/`. Nothing runs: the pages share the English run, its numbers and its
/// figures. A lesson without a translation gets a page that says so and links to the English.
/// A page is rendered again only when its English page, its translation or the course's titles
/// changed.
public struct EditionPublisher {
    public let lessonsDirectory: URL
    /// As given on the command line, for messages.
    public let displayLessons: String
    public let output: OutputFolder
    public let settings: CourseSettings

    /// The languages the course is published in: English, and the Chinese editions when the
    /// lessons folder has a `zh-Hans` folder.
    public static func languages(lessons: URL) -> [Language] {
        var isFolder: ObjCBool = false
        let folder = lessons.appendingPathComponent(Language.translatedFolder)
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            return [.english]
        }
        return Language.allCases
    }

    /// What the editions' build found: each problem of a translation (stale, untranslated, not
    /// parsed) and each page that could not be made.
    public struct Report: Sendable {
        /// Stale, untranslated and orphaned pieces: said, not failed.
        public var problems: [LessonError] = []
        /// A translation that cannot be read, a fault its page found (an unknown reference), a
        /// glossary line: they fail the build.
        public var errors: [LessonError] = []
        public var pages = 0
        public var rendered = 0
    }

    /// `course` is every lesson of the course in order: its file and display path.
    public func publish(course: [(file: URL, displayPath: String)]) throws -> Report {
        var report = Report()
        let languages = EditionPublisher.languages(lessons: lessonsDirectory)
        guard languages.count > 1 else { return report }
        let translations = TranslationFolder(lessons: lessonsDirectory, displayLessons: displayLessons)
        let terms = translations.terms()
        let converter = try translations.converter()

        // Each lesson once: its translation (its text is part of the pages' keys), and the English
        // lesson parsed and matched with it only when a page is to be made (`Parsed`).
        final class Entry {
            let slug: String
            let file: URL
            let displayPath: String
            let translation: Translation?
            let source: String
            let english: BuildRecord?
            init(
                slug: String, file: URL, displayPath: String, translation: Translation?, source: String,
                english: BuildRecord?
            ) {
                self.slug = slug
                self.file = file
                self.displayPath = displayPath
                self.translation = translation
                self.source = source
                self.english = english
            }
            private var parsed: (lesson: Lesson?, match: TranslationMatch?)?
            /// The English lesson and its match with the translation, parsed on first use.
            var lessonAndMatch: (lesson: Lesson?, match: TranslationMatch?) {
                if let parsed { return parsed }
                let lesson = try? LessonParser.parse(file: file, displayPath: displayPath)
                let match = lesson.flatMap { lesson in
                    translation.map { TranslationMatch(lesson: lesson, translation: $0) }
                }
                parsed = (lesson, match)
                return (lesson, match)
            }
        }
        var entries: [Entry] = []
        for (file, displayPath) in course {
            let slug = file.deletingPathExtension().lastPathComponent
            var translation: Translation?
            do { translation = try translations.translation(of: slug) } catch { report.errors.append(error) }
            let source = FileManager.default.contents(atPath: translations.file(slug).path).map {
                String(decoding: $0, as: UTF8.self)
            }
            entries.append(
                Entry(
                    slug: slug, file: file, displayPath: displayPath, translation: translation, source: source ?? "",
                    english: BuildRecord.read(from: output.lessonFolder(slug))))
        }

        // The glossary, read once for both editions.
        let glossary: Glossary
        do { glossary = try Glossary.read(lessons: lessonsDirectory, display: displayLessons) } catch {
            report.errors.append(error)
            glossary = Glossary(terms: [], displayPath: "")
        }
        report.errors += glossary.problems(slugs: Set(entries.map(\.slug)))

        for language in languages where language != .english {
            let convert: (String) -> String = language == .traditionalChinese ? { converter.convert($0) } : { $0 }
            let words = Words.of(language, converter: convert)
            let edition = Edition(language: language, words: words, languages: languages)
            let folder = try OutputFolder(output.url.appendingPathComponent(language.rawValue))
            let courseTitle = settings.translated(language, convert: convert).title
            let titles = entries.map { e in convert(e.translation?.title ?? e.english?.title ?? e.slug) }
            let course = zip(entries, titles).map { CourseEntry(slug: $0.slug, title: $1) }
            var records: [(slug: String, record: BuildRecord?)] = []
            for (k, entry) in entries.enumerated() {
                let english = entry.english
                let key = fingerprint([
                    CoursePublisher.formatVersion, language.rawValue, english?.key ?? "", entry.source, terms,
                    settings.title, titles.joined(separator: "\n"),
                ])
                let lessonFolder = folder.lessonFolder(entry.slug)
                if let record = BuildRecord.read(from: lessonFolder), record.key == key,
                    FileManager.default.fileExists(atPath: lessonFolder.appendingPathComponent("index.html").path)
                {
                    // Unchanged: what the page found in the translation is in its record.
                    if language == .simplifiedChinese {
                        report.problems += record.warnings
                        report.errors += record.failures.filter { $0.file == translations.displayPath(entry.slug) }
                    }
                    records.append((entry.slug, english == nil ? nil : record))
                    report.pages += 1
                    continue
                }
                let (parsedLesson, parsedMatch) = entry.lessonAndMatch
                var problems: [LessonError] = []
                var errors: [LessonError] = []
                if let match = parsedMatch, let translation = entry.translation {
                    problems = TranslationReport.problems(match, translation: translation, english: entry.displayPath)
                }
                let neighbours = CourseNeighbours(
                    number: k + 1, previous: k > 0 ? (course[k - 1].slug, course[k - 1].title) : nil,
                    next: k + 1 < course.count ? (course[k + 1].slug, course[k + 1].title) : nil, course: course)
                let englishPage = edition.twin(entry.slug + "/index.html", in: .english, depth: 1)
                var html: String
                var thumbnail: String?
                var summary = ""
                if let lesson = parsedLesson, let translation = entry.translation, let match = parsedMatch,
                    let executed = StoredRun.read(from: output.lessonFolder(entry.slug))?.executed(for: lesson)
                {
                    let translated = TranslatedLesson.make(
                        executed, translation: translation, match: match,
                        context: .init(
                            language: language, words: words, convert: convert, englishPage: englishPage,
                            englishFile: entry.displayPath, translationFile: translations.displayPath(entry.slug)),
                        figurePrefix: edition.root(depth: 1) + entry.slug + "/")
                    let page = PageRenderer.render(
                        translated, displayPath: entry.displayPath, neighbours: neighbours,
                        courseTitle: courseTitle, edition: edition,
                        proseFile: translations.displayPath(entry.slug))
                    errors = page.errors
                    html = CJKPunctuation.keepWithPrevious(page.html)
                    thumbnail = english?.thumbnail
                    summary = translated.lesson.summary
                } else {
                    html = notTranslatedPage(
                        title: titles[k], slug: entry.slug, number: k + 1, englishPage: englishPage,
                        built: english != nil, edition: edition, courseTitle: courseTitle)
                }
                let stage = try folder.stagingFolder(entry.slug)
                do {
                    let record = BuildRecord(
                        key: key, slug: entry.slug, title: titles[k], summary: summary,
                        failures: (english?.failures ?? []) + errors, warnings: problems, thumbnail: thumbnail,
                        seconds: english?.seconds ?? 0, builtAt: Date())
                    try Data(html.utf8).write(to: stage.appendingPathComponent("index.html"))
                    try record.write(to: stage)
                    try OutputFolder.writeManifest(of: stage)
                    try folder.publish(stage, as: entry.slug)
                    records.append((entry.slug, english == nil ? nil : record))
                } catch {
                    try? FileManager.default.removeItem(at: stage)
                    throw error
                }
                if language == .simplifiedChinese {
                    report.problems += problems
                    report.errors += errors
                }
                report.pages += 1
                report.rendered += 1
            }
            let glossaryLink =
                "<p class=\"glossary-link\"><a href=\"\(Glossary.fileName)\">\(words(.glossary))</a></p>"
            try folder.writeAtomically(
                IndexRenderer.render(
                    records, settings: settings.translated(language, convert: convert), output: output.url,
                    edition: edition,
                    extraLinks: glossaryLink),
                to: "index.html")
            try folder.writeAtomically(
                glossary.page(edition: edition, convert: convert, course: course, courseTitle: courseTitle),
                to: Glossary.fileName)
            try SearchIndex.write(
                into: folder, lessons: course.map { ($0.slug, $0.title) },
                pages: fingerprint(
                    [CoursePublisher.formatVersion, language.rawValue]
                        + records.map { "\($0.slug)=\($0.record?.key ?? "-")" }),
                words: words)
        }
        return report
    }

    /// The page of a lesson with no translation (or one not built in English yet): it says so in
    /// the edition's language and links to the English page.
    func notTranslatedPage(
        title: String, slug: String, number: Int, englishPage: String, built: Bool, edition: Edition,
        courseTitle: String
    ) -> String {
        let words = edition.words
        let link = "<a href=\"\(HTML.escape(englishPage))\" hreflang=\"en\">\(HTML.escape(englishPage))</a>"
        return """
            \(Stylesheet.head(title: title + " · " + courseTitle, language: edition.language))
            <main id="content" style="max-width: 900px; margin: 0 auto;"><p><a href="../index.html">\(words(.courseContents))</a></p>
            \(edition.languageLinks(slug + "/index.html", depth: 1))
            <p class="number">\(words(.lessonNumber, "\(number)"))</p><h1>\(HTML.escape(title))</h1>
            <div class="banner warning"><strong>\(words(built ? .notTranslatedTitle : .notBuiltYet))</strong> \(words(.notTranslatedBody, link))</div>
            </main></body></html>

            """
    }
}
