import Foundation

/// Where a lesson sits in the course, for its number and the previous/next links.
public struct CourseNeighbours: Sendable {
    public var number: Int
    public var previous: (slug: String, title: String)?
    public var next: (slug: String, title: String)?
    public init(number: Int, previous: (slug: String, title: String)? = nil, next: (slug: String, title: String)? = nil) {
        self.number = number; self.previous = previous; self.next = next
    }
}

/// ExecutedLesson -> one HTML page. Renders only; runs nothing.
public enum PageRenderer {
    public struct Page: Sendable {
        public let html: String
        public let warnings: [LessonError]
        /// The first figure's file, for the course index's thumbnail.
        public let thumbnail: String?
    }

    /// `courseTitle` ends the page's title.
    public static func render(_ executed: ExecutedLesson, displayPath: String, neighbours: CourseNeighbours, courseTitle: String) -> Page {
        let lesson = executed.lesson
        var warnings: [LessonError] = []
        var headings: [Heading] = []
        var usedIds: Set<String> = []
        var body = ""
        var outputRenderer = OutputRenderer(displayPath: displayPath)
        var resultsByNumber: [Int: CellResult] = [:]
        for r in executed.results { resultsByNumber[r.cell.number] = r }
        for block in lesson.blocks {
            switch block {
            case let .prose(markdown, line):
                let rendered = ProseRenderer.render(markdown, file: displayPath, line: line, usedIds: &usedIds)
                body += rendered.html
                headings += rendered.headings
                warnings += rendered.warnings
            case let .cell(cell):
                let result = resultsByNumber[cell.number] ?? CellResult(cell: cell, status: .notRun)
                body += renderCell(result, displayPath: displayPath, outputRenderer: &outputRenderer)
            }
        }
        warnings += outputRenderer.warnings
        let failures = executed.failures(displayPath: displayPath)
        var banner = ""
        if !failures.isEmpty {
            banner += "<div class=\"banner failed\"><strong>\(failures.count) cell\(failures.count == 1 ? "" : "s") failed.</strong><ul>"
            for f in failures {
                banner += "<li><a href=\"#cell-\(f.cell ?? 0)\">\(HTML.escape(f.description))</a></li>"
            }
            banner += "</ul></div>"
        }
        if !warnings.isEmpty {
            banner += "<div class=\"banner warning\"><strong>Warnings</strong><ul>" + warnings.map { "<li>\(HTML.escape($0.description))</li>" }.joined() + "</ul></div>"
        }
        let toc = headings.filter { $0.level == 2 || $0.level == 3 }.map { "<li class=\"h\($0.level)\"><a href=\"#\($0.id)\">\(HTML.escape($0.text))</a></li>" }.joined()
        let totalSeconds = executed.results.compactMap(\.seconds).reduce(0, +)
        var pager = "<nav class=\"pager\">"
        pager += neighbours.previous.map { "<a rel=\"prev\" href=\"../\(HTML.escape($0.slug))/index.html\">← \(HTML.escape($0.title))</a>" } ?? "<span></span>"
        pager += neighbours.next.map { "<a rel=\"next\" href=\"../\(HTML.escape($0.slug))/index.html\">\(HTML.escape($0.title)) →</a>" } ?? "<span></span>"
        pager += "</nav>"
        let formatter = ISO8601DateFormatter()
        let html = """
        \(Stylesheet.head(title: lesson.title + " · " + courseTitle))
        <div class="layout">
        <nav class="sidebar" aria-label="Contents">
        <a class="home" href="../index.html">← Course contents</a>
        <strong>On this page</strong>
        <ul>\(toc)</ul>
        </nav>
        <main>
        <header>
        <p class="number">Lesson \(neighbours.number)</p>
        <h1>\(HTML.escape(lesson.title))</h1>
        \(lesson.summary.isEmpty ? "" : "<p class=\"summary\">\(HTML.escape(lesson.summary))</p>")
        \(banner)
        </header>
        \(body)
        \(pager)
        <footer class="build">Built from <code>\(HTML.escape(displayPath))</code> with \(HTML.escape(executed.swiftVersion)) on \(formatter.string(from: executed.builtAt)); cells ran for \(formatSeconds(totalSeconds)) in all.</footer>
        </main>
        </div>
        </body>
        </html>

        """
        return Page(html: html, warnings: warnings, thumbnail: outputRenderer.thumbnail)
    }

    static func renderCell(_ r: CellResult, displayPath: String, outputRenderer: inout OutputRenderer) -> String {
        let cell = r.cell
        let failed: Bool
        let badge: String
        switch r.status {
        case .passed: failed = false; badge = "<span class=\"badge ok\">✓ ran</span>"
        case .failedAsExpected: failed = false; badge = "<span class=\"badge ok\">✓ failed as expected</span>"
        case .failed: failed = true; badge = "<span class=\"badge bad\">✗ failed</span>"
        case .notRun: failed = false; badge = "<span class=\"badge skip\">not run (an earlier cell failed)</span>"
        case .skipped: failed = false; badge = "<span class=\"badge skip\">not run (eval: false)</span>"
        }
        let anchor = cell.options.label.map { HTML.slug($0) } ?? "cell-\(cell.number)"
        var html = "<section class=\"cell\(failed ? " failed" : "")\" id=\"\(HTML.escape(anchor))\">"
        if anchor != "cell-\(cell.number)" { html += "<a id=\"cell-\(cell.number)\"></a>" }
        html += "<div class=\"cell-head\"><span>In [\(cell.number)]</span><span class=\"where\">\(HTML.escape(displayPath)):\(cell.firstLine)</span>\(badge)"
        html += r.seconds.map { "<span class=\"time\">\(formatSeconds($0))</span>" } ?? ""
        html += "</div>"
        if cell.options.echo { html += "<pre class=\"source\"><code class=\"language-swift\">\(SwiftHighlighter.html(cell.displayCode))</code></pre>" }
        var outputs = ""
        let showOutputs = cell.options.output || failed || { if case .failedAsExpected = r.status { return true } else { return false } }()
        if showOutputs {
            for output in r.outputs { outputs += outputRenderer.html(output, in: cell) }
        }
        if let failure = r.status.failure {
            outputs += "<p class=\"error\">\(HTML.escape(LessonError(file: displayPath, failure: failure).description))</p>"
        }
        if case let .failedAsExpected(message) = r.status, !message.isEmpty, !r.outputs.contains(where: { if case .errorText = $0 { return true } else { return false } }) {
            outputs += "<pre class=\"stderr\">\(HTML.escape(message))</pre>"
        }
        html += "<div class=\"outputs\">\(outputs)</div></section>\n"
        return html
    }
}
