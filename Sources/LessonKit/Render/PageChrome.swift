/// The parts of a lesson page around its text: the skip link, the phones' compact header, the
/// practice box, and the search script's tags. Kept apart from `PageRenderer` so the page's text
/// and its chrome change independently.
enum PageChrome {
    /// The first Tab stop of every page: straight to the lesson, past the sidebar's links.
    static func skipLink(_ words: Words = .english) -> String {
        "<a class=\"skip\" href=\"#content\">\(words(.skipToLesson))</a>"
    }

    /// Where the search script puts its box (`root` is the path back to the edition's top, where its
    /// index is). Empty without JavaScript, so a page without it shows nothing that does not work.
    static func searchSlot(root: String, words: Words = .english) -> String {
        guard words.language != .english else { return "<div class=\"search\" data-root=\"\(root)\"></div>" }
        return
            "<div class=\"search\" data-root=\"\(root)\" data-placeholder=\"\(words(.searchCourse))\" data-none=\"\(words(.nothingFound))\" data-found=\"\(words(.found))\" data-copy=\"\(words(.copy))\" data-copied=\"\(words(.copied))\"></div>"
    }

    /// The edition's search index (under `root`) and the shared script (under `shared`), loaded
    /// with `<script src>` (a `file://` page may not fetch).
    static func searchScripts(root: String, shared: String? = nil) -> String {
        "<script src=\"\(root)\(SearchIndex.indexFile)\" defer></script><script src=\"\(shared ?? root)\(SearchIndex.scriptFile)\" defer></script>"
    }

    /// A phone's compact header, shown instead of the sidebar: the course, this page's sections
    /// (folded), and search. It comes before the lesson in the HTML as on the screen, so the Tab
    /// order is the reading order.
    static func phoneHeader(headings: [Heading], words: Words = .english, root: String = "../") -> String {
        let sections = headings.filter { $0.level == 2 || $0.level == 3 }
        var html =
            "<nav class=\"phone\" aria-label=\"\(words(.pageNavigation))\"><a href=\"../index.html\">\(words(.contents))</a>"
        if !sections.isEmpty {
            html +=
                "<details><summary>\(words(.sectionsOfThisPage))</summary><ul>"
                + sections.map { "<li class=\"h\($0.level)\"><a href=\"#\($0.id)\">\(HTML.escape($0.text))</a></li>" }
                .joined()
                + "</ul></details>"
        }
        return html + searchSlot(root: "../", words: words) + "</nav>"
    }

    /// The way back up on a phone, where the sections are: fixed in a corner, last in the Tab
    /// order. `#top` is the document's top by the HTML standard, with no element of that id.
    static func toTop(_ words: Words = .english) -> String { "<a class=\"to-top\" href=\"#top\">\(words(.toTop))</a>" }

    /// "Practise this lesson": the commands that write its workbook and check it, for a lesson
    /// with exercises; in Chinese, the commands that write a Chinese workbook.
    static func practiceBox(_ lesson: Lesson, words: Words = .english) -> String {
        let count = lesson.exercises.count
        guard count > 0 else { return "" }
        let slug = HTML.escape(lesson.slug)
        let lang = words.language == .english ? "" : " --lang zh"
        let text = words(
            .practise, words.count(count, one: .exercise, many: .exercises),
            "<code>swift run lessons practice \(slug)\(lang)</code>", "<code>practice/\(slug).swift</code>",
            "<code>swift run lessons check \(slug) --watch</code>")
        return "<aside class=\"practise\" aria-label=\"\(words(.practiseLabel))\"><p>\(text)</p></aside>"
    }
}
