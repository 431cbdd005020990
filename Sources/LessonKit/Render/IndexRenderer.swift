import Foundation

/// The course contents page: the course's title and claim (from `CourseSettings`), then each lesson's number, title, summary, result and thumbnail.
enum IndexRenderer {
    static func render(_ entries: [(slug: String, record: BuildRecord?)], settings: CourseSettings) -> String {
        var items = ""
        for (i, entry) in entries.enumerated() {
            let title = entry.record?.title ?? entry.slug
            let href = "\(HTML.escape(entry.slug))/index.html"
            let thumb = entry.record?.thumbnail.map { "<img src=\"\(HTML.escape(entry.slug))/\(HTML.escape($0))\" alt=\"\" width=\"140\" height=\"100\">" } ?? "<span class=\"placeholder\">\(i + 1)</span>"
            let result: String
            if let record = entry.record {
                result = record.passed
                    ? "<span class=\"result ok\">✓ all cells ran</span> · \(formatSeconds(record.seconds))"
                    : "<span class=\"result bad\">✗ \(record.failures.count) failure\(record.failures.count == 1 ? "" : "s")</span>"
            } else {
                result = "<span class=\"result\">not built yet</span>"
            }
            items += """
            <li><a href="\(href)">\(thumb)</a><div><p class="number">Lesson \(i + 1)</p><h2><a href="\(href)">\(HTML.escape(title))</a></h2>
            <p>\(HTML.escape(entry.record?.summary ?? ""))</p><p>\(result)</p></div></li>

            """
        }
        return """
        \(Stylesheet.head(title: settings.title))
        <main style="max-width: 900px; margin: 0 auto;">
        <header><p class="number">Course</p><h1>\(HTML.escape(settings.title))</h1>
        \(settings.summary.isEmpty ? "" : "<p class=\"summary\">\(HTML.escape(settings.summary))</p>")</header>
        <ul class="lessons">
        \(items)</ul>
        </main>
        </body>
        </html>

        """
    }
}
