import Foundation

/// The course contents page: the course's title and claim (from `CourseSettings`), then each lesson's number, title, summary, result and thumbnail.
enum IndexRenderer {
    /// `output` is where the pages are, to find each thumbnail's dark and still variants.
    /// `edition` is the page's language; `extraLinks` are more links for its header (the glossary).
    static func render(
        _ entries: [(slug: String, record: BuildRecord?)], settings: CourseSettings, output: URL? = nil,
        edition: Edition = .english, extraLinks: String = ""
    )
        -> String
    {
        let words = edition.words
        let shared = edition.root(depth: 0)
        var items = ""
        for (i, entry) in entries.enumerated() {
            let title = entry.record?.title ?? entry.slug
            let href = "\(HTML.escape(entry.slug))/index.html"
            let englishFolder = shared + HTML.escape(entry.slug) + "/"
            let thumb =
                entry.record?.thumbnail.map {
                    thumbnail($0, slug: entry.slug, title: title, output: output, folder: englishFolder)
                }
                ?? "<span class=\"placeholder\">\(i + 1)</span>"
            let result: String
            if let record = entry.record {
                result =
                    record.passed
                    ? "<span class=\"result ok\">\(words(.allCellsRan))</span> · \(formatSeconds(record.seconds))"
                    : "<span class=\"result bad\">\(words.count(record.failures.count, one: .failure, many: .failures))</span>"
            } else {
                result = "<span class=\"result\">\(words(.notBuiltYet))</span>"
            }
            items += """
                <li><a href="\(href)">\(thumb)</a><div><p class="number">\(words(.lessonNumber, "\(i + 1)"))</p><h2><a href="\(href)">\(HTML.escape(title))</a></h2>
                <p>\(HTML.escape(entry.record?.summary ?? ""))</p><p>\(result)</p></div></li>

                """
        }
        return """
            \(Stylesheet.head(title: settings.title, language: edition.language))
            \(PageChrome.skipLink(words))
            <main id="content" tabindex="-1" style="max-width: 900px; margin: 0 auto;">
            <header>\(edition.languageLinks("index.html", depth: 0))<p class="number">\(words(.course))</p><h1>\(HTML.escape(settings.title))</h1>
            \(settings.summary.isEmpty ? "" : "<p class=\"summary\">\(HTML.escape(settings.summary))</p>")</header>
            \(extraLinks)
            \(PageChrome.searchSlot(root: "", words: words))
            <ul class="lessons">
            \(items)</ul>
            </main>
            \(PageChrome.searchScripts(root: "", shared: shared))
            </body>
            </html>

            """
    }

    /// A lesson's thumbnail, named by the lesson (it is the picture inside the lesson's link), with
    /// its page's dark variant and an animation's first step for readers who ask for reduced
    /// motion, when they were published (the lesson's figures are named `figure-N.png`,
    /// `figure-N-dark.png`, `figure-N-step-1.png`, `figure-N-step-1-dark.png`).
    /// `folder` is the lesson's picture folder as the page reaches it (the English edition's).
    static func thumbnail(_ file: String, slug: String, title: String, output: URL?, folder: String? = nil) -> String {
        let folder = folder ?? HTML.escape(slug) + "/"
        let base = String(file.dropLast(file.hasSuffix(".png") ? 4 : 0))
        func published(_ name: String) -> String? {
            guard let output,
                FileManager.default.fileExists(
                    atPath: output.appendingPathComponent(slug).appendingPathComponent(name).path)
            else { return nil }
            return folder + HTML.escape(name)
        }
        let dark = published(base + "-dark.png")
        let still = published(base + "-step-1.png")
        let stillDark = published(base + "-step-1-dark.png")
        let image =
            "<img src=\"\(folder)\(HTML.escape(file))\" alt=\"\(HTML.escape(title))\" width=\"140\" height=\"100\"\(dark == nil ? " class=\"plain\"" : "")>"
        var sources = ""
        if let stillDark, still != nil {
            sources +=
                "<source srcset=\"\(stillDark)\" media=\"screen and (prefers-reduced-motion: reduce) and (prefers-color-scheme: dark)\">"
        }
        if let still { sources += "<source srcset=\"\(still)\" media=\"(prefers-reduced-motion: reduce)\">" }
        if let dark { sources += "<source srcset=\"\(dark)\" media=\"screen and (prefers-color-scheme: dark)\">" }
        return sources.isEmpty ? image : "<picture>\(sources)\(image)</picture>"
    }
}
