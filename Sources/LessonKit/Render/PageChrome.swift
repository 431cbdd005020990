/// The parts of a lesson page around its text: the skip link, the phones' compact header, the
/// practice box, and the search script's tags. Kept apart from `PageRenderer` so the page's text
/// and its chrome change independently.
enum PageChrome {
    /// The first Tab stop of every page: straight to the lesson, past the sidebar's links.
    static let skipLink = "<a class=\"skip\" href=\"#content\">Skip to the lesson</a>"

    /// Where the search script puts its box (`root` is the path back to the output folder). Empty
    /// without JavaScript, so a page without it shows nothing that does not work.
    static func searchSlot(root: String) -> String { "<div class=\"search\" data-root=\"\(root)\"></div>" }

    /// The search index and script, loaded with `<script src>` (a `file://` page may not fetch).
    static func searchScripts(root: String) -> String {
        "<script src=\"\(root)\(SearchIndex.indexFile)\" defer></script><script src=\"\(root)\(SearchIndex.scriptFile)\" defer></script>"
    }

    /// A phone's compact header, shown instead of the sidebar: the course, this page's sections
    /// (folded), and search. It comes before the lesson in the HTML as on the screen, so the Tab
    /// order is the reading order.
    static func phoneHeader(headings: [Heading]) -> String {
        let sections = headings.filter { $0.level == 2 || $0.level == 3 }
        var html = "<nav class=\"phone\" aria-label=\"Page\"><a href=\"../index.html\">← Contents</a>"
        if !sections.isEmpty {
            html +=
                "<details><summary>Sections of this page</summary><ul>"
                + sections.map { "<li class=\"h\($0.level)\"><a href=\"#\($0.id)\">\(HTML.escape($0.text))</a></li>" }
                .joined()
                + "</ul></details>"
        }
        return html + searchSlot(root: "../") + "</nav>"
    }

    /// The way back up on a phone, where the sections are: fixed in a corner, last in the Tab
    /// order. `#top` is the document's top by the HTML standard, with no element of that id.
    static let toTop = "<a class=\"to-top\" href=\"#top\">↑ Top</a>"

    /// "Practise this lesson": the commands that write its workbook and check it, for a lesson
    /// with exercises.
    static func practiceBox(_ lesson: Lesson) -> String {
        let count = lesson.exercises.count
        guard count > 0 else { return "" }
        let slug = HTML.escape(lesson.slug)
        return """
            <aside class="practise" aria-label="Practise this lesson"><p><strong>Practise this lesson.</strong> \(count) exercise\(count == 1 ? "" : "s"): \
            write your workbook with <code>swift run lessons practice \(slug)</code>, answer in <code>practice/\(slug).swift</code>, \
            then check with <code>swift run lessons check \(slug) --watch</code>.</p></aside>
            """
    }
}
