import Foundation

/// One lesson in the sidebar's list of the course. Every lesson has a page (one not built yet
/// says so), so each is linked.
public struct CourseEntry: Equatable, Sendable {
    public var slug: String
    public var title: String
    public init(slug: String, title: String) {
        self.slug = slug
        self.title = title
    }
}

/// Where a lesson sits in the course, for its number, the previous/next links and the sidebar's
/// list of every lesson (`course`, in order; empty leaves the list out).
public struct CourseNeighbours: Sendable {
    public var number: Int
    public var previous: (slug: String, title: String)?
    public var next: (slug: String, title: String)?
    public var course: [CourseEntry]
    public init(
        number: Int, previous: (slug: String, title: String)? = nil, next: (slug: String, title: String)? = nil,
        course: [CourseEntry] = []
    ) {
        self.number = number
        self.previous = previous
        self.next = next
        self.course = course
    }
}

/// ExecutedLesson -> one HTML page. Renders only; runs nothing.
public enum PageRenderer {
    public struct Page: Sendable {
        public let html: String
        public let warnings: [LessonError]
        /// The first figure's file, for the course index's thumbnail.
        public let thumbnail: String?
        /// Faults of the lesson's text the page found (an unknown cross-reference), each at its
        /// line; they are shown in the page's banner and should fail the build.
        public let errors: [LessonError]
        /// The failed cells the page's banner lists, each at its line.
        public let failures: [LessonError]
        public init(
            html: String, warnings: [LessonError], thumbnail: String?, errors: [LessonError] = [],
            failures: [LessonError] = []
        ) {
            self.html = html
            self.warnings = warnings
            self.thumbnail = thumbnail
            self.errors = errors
            self.failures = failures
        }
    }

    /// `courseTitle` ends the page's title.
    /// `edition` is the page's language and its way to the shared files; `proseFile` is where
    /// its prose was written when not in the lesson itself (a translation), for its errors.
    public static func render(
        _ executed: ExecutedLesson, displayPath: String, neighbours: CourseNeighbours, courseTitle: String,
        edition: Edition = .english, proseFile: String? = nil
    ) -> Page {
        let lesson = executed.lesson
        let words = edition.words
        let root = edition.root(depth: 1)
        // What the page shows under each cell, decided once: figures and tables are numbered
        // from it, for the cells and for `@fig-` and `@tbl-` alike.
        let cells = shownCells(executed)
        var (references, figures) = crossReferences(cells, words: words)
        var inlineValues: [Int: String] = [:]
        for case .inlineValue(let index, let text) in executed.results.flatMap(\.outputs) { inlineValues[index] = text }
        // The headings and the labelled formulas first, so that `@sec-` and `@eq-` may come before
        // what they name.
        let proseBlocks = lesson.blocks.compactMap { if case .prose(let p) = $0 { return p } else { return nil } }
        var headings = ProseRenderer.headings(
            in: proseBlocks, references: references, inlineValues: inlineValues, anchors: lesson.anchors)
        let sectionNumbers = Numbering.sectionNumbers(headings, lesson: neighbours.number)
        let equationNumbers = Numbering.equationNumbers(proseBlocks, lesson: neighbours.number)
        references.merge(Numbering.sectionReferences(headings, numbers: sectionNumbers, words: words)) { cell, _ in
            cell
        }
        references.merge(Numbering.equationReferences(equationNumbers, words: words)) { cell, _ in cell }
        let failures = executed.failures(displayPath: displayPath)
        // The cell whose failure kept the later ones from running, named on their badges.
        let firstFailure = failures.first?.cell
        // The lesson's blocks in order: each prose block's tree, each cell's HTML.
        var prose = ProseRenderer(
            file: proseFile ?? displayPath, references: references, inlineValues: inlineValues, headings: headings,
            sectionNumbers: sectionNumbers, equationNumbers: equationNumbers)
        var outputRenderer = OutputRenderer(displayPath: displayPath, words: words)
        let shownByNumber = Dictionary(cells.map { ($0.result.cell.number, $0) }, uniquingKeysWith: { a, _ in a })
        var body = ""
        for block in lesson.blocks {
            switch block {
            case .prose(let text):
                prose.render(text, into: &body)
            case .cell(let cell):
                guard let shown = shownByNumber[cell.number] else { continue }
                ProseRenderer.cr(&body)
                body += renderCell(
                    shown, displayPath: displayPath, outputRenderer: &outputRenderer,
                    failure: failures.first { $0.cell == cell.number }, failedCell: firstFailure, words: words)
            }
        }
        let warnings = prose.warnings + outputRenderer.warnings
        let errors = prose.errors
        var banner = ""
        if !errors.isEmpty {
            banner +=
                "<div class=\"banner failed\"><strong>\(words.count(errors.count, one: .errorInText, many: .errorsInText))</strong><ul>"
                + errors.map { "<li>\(HTML.escape($0.description))</li>" }.joined() + "</ul></div>"
        }
        if !failures.isEmpty {
            banner +=
                "<div class=\"banner failed\"><strong>\(words.count(failures.count, one: .cellFailed, many: .cellsFailed))</strong><ul>"
            for f in failures {
                banner +=
                    f.cell.map { "<li><a href=\"#cell-\($0)\">\(HTML.escape(f.description))</a></li>" }
                    ?? "<li>\(HTML.escape(f.description))</li>"
            }
            banner += "</ul></div>"
        }
        if !warnings.isEmpty {
            banner +=
                "<div class=\"banner warning\"><strong>\(words(.warnings))</strong><ul>"
                + warnings.map { "<li>\(HTML.escape($0.description))</li>" }.joined() + "</ul></div>"
        }
        // The sidebar and the phone header list the sections with their numbers.
        headings = headings.map { h in
            sectionNumbers[h.id].map { Heading(level: h.level, text: "\($0) \(h.text)", id: h.id) } ?? h
        }
        let sidebar = sidebar(
            headings: headings, figures: figures, course: neighbours.course, current: neighbours.number, words: words)
        let totalSeconds = executed.results.compactMap(\.seconds).reduce(0, +)
        var pager = "<nav class=\"pager\">"
        pager +=
            neighbours.previous.map {
                "<a rel=\"prev\" href=\"../\(HTML.escape($0.slug))/index.html\">← \(HTML.escape($0.title))</a>"
            } ?? "<span></span>"
        pager +=
            neighbours.next.map {
                "<a rel=\"next\" href=\"../\(HTML.escape($0.slug))/index.html\">\(HTML.escape($0.title)) →</a>"
            } ?? "<span></span>"
        pager += "</nav>"
        let formatter = ISO8601DateFormatter()
        let html = """
            \(Stylesheet.head(title: lesson.title + " · " + courseTitle, language: edition.language))
            \(PageChrome.skipLink(words))
            \(PageChrome.phoneHeader(headings: headings, words: words, root: root))
            <div class="layout">
            <nav class="sidebar" id="contents" aria-label="\(words(.contentsNavigation))">
            <a class="home" href="../index.html">\(words(.courseContents))</a>
            \(PageChrome.searchSlot(root: "../", words: words))
            \(sidebar)
            </nav>
            <main id="content" tabindex="-1">
            <header>
            \(edition.languageLinks(lesson.slug + "/index.html", depth: 1))
            <p class="number">\(words(.lessonNumber, "\(neighbours.number)"))</p>
            <h1>\(HTML.escape(lesson.title))</h1>
            \(lesson.summary.isEmpty ? "" : "<p class=\"summary\">\(HTML.escape(lesson.summary))</p>")
            \(banner)
            </header>
            \(PageChrome.practiceBox(lesson, words: words))
            \(body)
            \(pager)
            <footer class="build">\(words(.builtFrom, "<code>\(HTML.escape(displayPath))</code>", HTML.escape(executed.swiftVersion), formatter.string(from: executed.builtAt), formatSeconds(totalSeconds)))</footer>
            </main>
            </div>
            \(PageChrome.toTop(words))
            \(PageChrome.searchScripts(root: "../", shared: root))
            </body>
            </html>

            """
        // Long code lines are the author's to shorten: said by the build, not in the page's banner.
        let lineWarnings = lesson.cells.flatMap { LineLengths.warnings($0, file: displayPath) }
        return Page(
            html: html, warnings: warnings + lineWarnings, thumbnail: outputRenderer.thumbnail, errors: errors,
            failures: failures)
    }

    /// The sidebar: this page's sections (or, without headings, its figures and labelled cells),
    /// then every lesson of the course with this one marked.
    static func sidebar(
        headings: [Heading], figures: [(number: Int, caption: String)], course: [CourseEntry], current: Int,
        words: Words = .english
    ) -> String {
        var html = ""
        let sections = headings.filter { $0.level == 2 || $0.level == 3 }
        if !sections.isEmpty {
            html +=
                "<strong>\(words(.onThisPage))</strong><ul>"
                + sections.map { "<li class=\"h\($0.level)\"><a href=\"#\($0.id)\">\(HTML.escape($0.text))</a></li>" }
                .joined() + "</ul>"
        } else if !figures.isEmpty {
            html +=
                "<strong>\(words(.figuresOnThisPage))</strong><ul>"
                + figures.map { figure in
                    "<li><a href=\"#figure-\(figure.number)\">\(words(.figure, "\(figure.number)"))</a>\(figure.caption.isEmpty ? "" : ": " + HTML.escape(figure.caption))</li>"
                }.joined() + "</ul>"
        }
        if !course.isEmpty {
            html += "<strong>\(words(.lessons))</strong><ol>"
            for (k, entry) in course.enumerated() {
                let title = HTML.escape(entry.title)
                if k + 1 == current {
                    html += "<li class=\"current\"><a href=\"index.html\" aria-current=\"page\">\(title)</a></li>"
                } else {
                    html += "<li><a href=\"../\(HTML.escape(entry.slug))/index.html\">\(title)</a></li>"
                }
            }
            html += "</ol>"
        }
        return html
    }

    /// A cell as its page shows it: its result, and the outputs shown under it.
    struct ShownCell {
        let result: CellResult
        let outputs: [CellOutput]
        /// The number its first figure gets on the page (the figures above it, plus one).
        let firstFigure: Int
    }

    /// Each cell of the lesson with what the page shows of it: all its outputs when it ran (none
    /// with `output: false`), failed, or failed as it should. The one place this is decided, so
    /// that the figures the page numbers are the figures `@fig-` counts.
    static func shownCells(_ executed: ExecutedLesson) -> [ShownCell] {
        var results: [Int: CellResult] = [:]
        for r in executed.results { results[r.cell.number] = r }
        var figures = 0
        return executed.lesson.cells.map { cell in
            let result = results[cell.number] ?? CellResult(cell: cell, status: .notRun)
            let shows: Bool
            switch result.status {
            case .failedAsExpected, .failed: shows = true
            default: shows = cell.options.output
            }
            let outputs = shows ? result.outputs : []
            defer { figures += outputs.filter { if case .figure = $0 { return true } else { return false } }.count }
            return ShownCell(result: result, outputs: outputs, firstFigure: figures + 1)
        }
    }

    /// What each cell label names, numbered as the page numbers them (figures and tables across
    /// the page, cells by In [n]): `fig-` labels their cell's first figure, `tbl-` its first
    /// table, `cell-` the cell itself; `cell-N` always names cell N. Also the page's figures.
    static func crossReferences(_ cells: [ShownCell], words: Words = .english) -> (
        [String: CrossReference], [(number: Int, caption: String)]
    ) {
        var references: [String: CrossReference] = [:]
        var figures: [(number: Int, caption: String)] = []
        var tableCount = 0
        for shown in cells {
            let cell = shown.result.cell
            references["cell-\(cell.number)"] = CrossReference(
                text: words(.cell, "\(cell.number)"), anchor: "cell-\(cell.number)")
            var firstTable: Int?
            for output in shown.outputs {
                switch output {
                case .figure(let f):
                    figures.append((figures.count + 1, f.caption ?? ""))
                case .table:
                    tableCount += 1
                    if firstTable == nil { firstTable = tableCount }
                default: break
                }
            }
            guard let label = cell.options.label else { continue }
            if label.hasPrefix("fig-"), figures.count >= shown.firstFigure {
                references[label] = CrossReference(
                    text: words(.figure, "\(shown.firstFigure)"), anchor: "figure-\(shown.firstFigure)")
            } else if label.hasPrefix("tbl-"), let firstTable {
                references[label] = CrossReference(text: words(.table, "\(firstTable)"), anchor: HTML.slug(label))
            } else if label.hasPrefix("cell-") {
                references[label] = CrossReference(text: words(.cell, "\(cell.number)"), anchor: HTML.slug(label))
            }
        }
        return (references, figures)
    }

    /// One cell, with the outputs `shownCells` chose, its figures numbered from `firstFigure`;
    /// `failure` is its failure as the build reports it.
    static func renderCell(
        _ shown: ShownCell, displayPath: String, outputRenderer: inout OutputRenderer, failure: LessonError? = nil,
        failedCell: Int? = nil, words: Words = .english
    ) -> String {
        let r = shown.result
        let cell = r.cell
        let failed: Bool
        let badge: String
        switch r.status {
        case .passed:
            failed = false
            badge = "<span class=\"badge ok\">\(words(.ran))</span>"
        case .failedAsExpected:
            failed = false
            badge = "<span class=\"badge ok\">\(words(.failedAsExpected))</span>"
        case .failed:
            failed = true
            badge = "<span class=\"badge bad\">\(words(.failed))</span>"
        case .notRun:
            failed = false
            badge =
                failedCell.map {
                    "<span class=\"badge skip\">\(words(.notRunBecause, "<a href=\"#cell-\($0)\">\(words(.cellLink, "\($0)"))</a>"))</span>"
                }
                ?? "<span class=\"badge skip\">\(words(.notRunEarlier))</span>"
        case .skipped:
            failed = false
            badge = "<span class=\"badge skip\">\(words(.notRunEval))</span>"
        }
        let anchor = cell.options.label.map { HTML.slug($0) } ?? "cell-\(cell.number)"
        var html = "<section class=\"cell\(failed ? " failed" : "")\" id=\"\(HTML.escape(anchor))\">"
        if anchor != "cell-\(cell.number)" { html += "<a id=\"cell-\(cell.number)\"></a>" }
        html +=
            "<div class=\"cell-head\"><span>In [\(cell.number)]</span><span class=\"where\">\(HTML.escape(displayPath)):\(cell.firstLine)</span>\(badge)"
        html += r.seconds.map { "<span class=\"time\">\(formatSeconds($0))</span>" } ?? ""
        html += "</div>"
        if cell.options.echo {
            html +=
                "<pre class=\"source\"><code class=\"language-swift\">\(CodeLines.wrap(SwiftHighlighter.html(cell.displayCode)))</code></pre>"
        }
        var outputs = ""
        var figure = shown.firstFigure
        for output in shown.outputs {
            outputs += outputRenderer.html(output, in: cell, figure: figure)
            if case .figure = output { figure += 1 }
        }
        // The failure's message once: a compile error's diagnostics and a crash report are already
        // in the cell's error text, so the one-line summary is left out there.
        if let failure, let kind = r.status.failure,
            !(kind.isInErrorText
                && r.outputs.contains { if case .errorText = $0 { return true } else { return false } })
        {
            outputs += "<p class=\"error\">\(HTML.escape(failure.description))</p>"
        }
        if case .failedAsExpected(let message) = r.status, !message.isEmpty,
            !r.outputs.contains(where: { if case .errorText = $0 { return true } else { return false } })
        {
            outputs += "<pre class=\"stderr\">\(CodeLines.wrap(HTML.escape(message)))</pre>"
        }
        html += "<div class=\"outputs\">\(outputs)</div></section>\n"
        return html
    }
}
